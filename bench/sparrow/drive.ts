import { decode } from '@passerine/core';
import type { JobResult } from '@passerine/scheduling';
import { submitJob } from '@passerine/scheduling-protocol';
import { connectNats } from '@passerine/natsconn';
import { encodePayload } from '@passerine/node-monitor';
import { type Cluster, clock, withTimeout } from './cluster.ts';
import { p, summary } from './params.ts';

export interface Outcome {
  responseMs: number[];
  schedDelayMs: number[];
  /** Submit round trips: the job is durable in the log when one ends. */
  submitMs: number[];
  /** Per-task time spent in each stage from submit to the submitter hearing of the job's end. */
  stages: Record<string, number[]>;
  tasks: number;
  elapsedMs: number;
}

export interface Pacing {
  /** Spaces the submissions (Poisson arrivals). */
  nextGapMs?: () => number;
  /** Keeps this many jobs open instead (throughput). */
  maxInFlight?: number;
}

const STAGES = ['to_node', 'queued', 'get_task', 'run_overrun', 'report', 'announce'] as const;

/** Splits each task's path into stages; every time is on a clock shared to well under a ms. */
function recordStages(
  stages: Record<string, number[]>,
  result: JobResult,
  submittedAt: number,
  heardAt: number,
  taskMs: number,
): void {
  let lastReport = 0;
  for (const t of result.tasks) {
    if (t.reservedAt === undefined || t.requestedAt === undefined || t.startedAt === undefined) continue;
    stages.to_node.push(t.reservedAt - submittedAt);
    stages.queued.push(t.requestedAt - t.reservedAt);
    stages.get_task.push(t.startedAt - t.requestedAt);
    if (t.endedAt !== undefined) stages.run_overrun.push(t.endedAt - t.startedAt - taskMs);
    if (t.endedAt !== undefined && t.reportedAt !== undefined) stages.report.push(t.reportedAt - t.endedAt);
    lastReport = Math.max(lastReport, t.reportedAt ?? 0);
  }
  if (lastReport > 0) stages.announce.push(heardAt - lastReport);
}

export function stageSummary(stages: Record<string, number[]>) {
  return Object.fromEntries(Object.entries(stages).map(([name, values]) => [name, summary(values)]));
}

/**
 * Submits `jobs` jobs (ids `${idPrefix}0`, `${idPrefix}1`, …) and waits for all of them, or gives up
 * when none ends for `stall_ms`. The cluster keeps running: one run may follow another.
 */
export async function drive(
  url: string,
  cluster: Cluster,
  jobs: number,
  tasksPerJob: number,
  taskMs: number,
  pacing: Pacing,
  idPrefix = 'j',
): Promise<Outcome> {
  const nc = await connectNats({ servers: url });
  const submitted = new Map<string, number>();
  const outcome: Outcome = {
    responseMs: [],
    schedDelayMs: [],
    submitMs: [],
    stages: Object.fromEntries(STAGES.map((s) => [s, []])),
    tasks: jobs * tasksPerJob,
    elapsedMs: 0,
  };
  let done = 0;
  let lastEndAt = clock.now();
  let releaseOne: () => void = () => {};
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  nc.subscribe(cluster.names.allJobWatch, {
    callback: (_err, msg) => {
      const now = clock.now();
      const result = decode<JobResult>(msg.data);
      const at = submitted.get(result.jobId);
      if (at === undefined) return;
      submitted.delete(result.jobId);
      outcome.responseMs.push(now - at);
      for (const task of result.tasks) if (task.startedAt) outcome.schedDelayMs.push(task.startedAt - at);
      recordStages(outcome.stages, result, at, now, taskMs);
      done++;
      lastEndAt = now;
      releaseOne();
      if (done === jobs) allDone();
    },
  });
  await nc.flush();
  let j = 0;
  const stall = setInterval(() => {
    if (process.env.BENCH_DEBUG) console.error(`submitted ${j}, ended ${done}`);
    if (clock.now() - lastEndAt < p.stallMs) return;
    console.error(`stalled: ${jobs - done} jobs never ended, e.g. ${[...submitted.keys()].slice(0, 5)}`);
    allDone();
  }, 1_000);
  const payload = encodePayload({ kind: 'sleep', ms: taskMs });
  const tasks = Array.from({ length: tasksPerJob }, (_, t) => ({ id: `t${t}`, payload }));
  const started = clock.now();
  let nextAt = started;
  for (; j < jobs; j++) {
    if (pacing.nextGapMs) {
      nextAt += pacing.nextGapMs();
      const wait = nextAt - clock.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    } else if (pacing.maxInFlight && j - done >= pacing.maxInFlight) {
      await new Promise<void>((resolve) => {
        releaseOne = resolve;
      });
    }
    const jobId = `${idPrefix}${j}`;
    const sentAt = clock.now();
    submitted.set(jobId, sentAt);
    submitJob(nc, cluster.names, { id: jobId, probeRatio: p.probeRatio, tasks }).then(
      () => outcome.submitMs.push(clock.now() - sentAt),
      (err) => console.error(`submit ${jobId} failed: ${err.message}`),
    );
  }
  await finished;
  clearInterval(stall);
  if (process.env.BENCH_DEBUG) console.error('all ended');
  outcome.elapsedMs = clock.now() - started;
  await withTimeout(nc.drain(), 'submitter drain');
  return outcome;
}

/** Stops the cluster and returns the messages it sent per task, over all `jobs` jobs driven through it. */
export async function stopAndCountMessages(cluster: Cluster, jobs: number, tasksPerJob: number) {
  // The node monitor processes report what they sent when they stop.
  await cluster.stop();
  // Each job's submit request and reply are the submitter's; the frontends count the rest.
  const messages = cluster.counters.reduce((sum, c) => sum + c.total, 0) + 2 * jobs;
  return messages / (jobs * tasksPerJob);
}
