/**
 * npm run bench:sparrow — Sparrow scheduling on one nats-server: batch sampling + late binding,
 * random placement and per-task sampling under the same Poisson load, then no-op throughput
 * through one frontend. Prints one JSON object per mode; `stages_ms` splits each task's path
 * (submit → reservation at the node → getTask sent → started → ended → reported → job announced).
 *
 * Parameters (argv `--name=value` or env BENCH_NAME): nodes, slots, load, task_ms, tasks_per_job,
 * probe_ratio, frontends, jobs, warmup_jobs, seed, noop_tasks, noop_tasks_per_job, node_processes,
 * stall_ms;
 * `--modes=random,noop-throughput` runs only those. The node monitors run in child processes.
 * Every load mode replays the same seeded arrival trace, and prints beside its own ratios the
 * `ideal_*` ones: what one global FIFO queue with no cost at all achieves on that trace. Each load
 * mode first runs `warmup_jobs` jobs of another trace at the same rate, uncounted, and waits for
 * them to end: the first few hundred milliseconds of a cluster's life compile code in every process
 * and stall it (see bench/RESULTS.md). The trace also starts only after the
 * frontends' start-up sweep for orphaned jobs, which reads the job log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchSettings, readGiven } from '@passerine/config';
import type { PlacementMode } from '@passerine/scheduling';
import { connectNats, startNatsServer, waitForJetStream } from '@passerine/natsconn';
import { idealResponseMs, poissonGaps } from './sparrow/arrivals.ts';
import { runNodesRole, startCluster } from './sparrow/cluster.ts';
import { drive, stageSummary, stopAndCountMessages } from './sparrow/drive.ts';
import { p, percentile, round } from './sparrow/params.ts';

const script = fileURLToPath(import.meta.url);

const ALL_MODES: Array<{ mode: string; placement: PlacementMode }> = [
  { mode: 'batch-late-binding', placement: 'batch' },
  { mode: 'random', placement: 'random' },
  { mode: 'per-task', placement: 'per-task' },
  { mode: 'noop-throughput', placement: 'batch' },
];
const chosenModes = (
  process.argv.find((a) => a.startsWith('--modes='))?.slice(8) ?? process.env.BENCH_MODES
)?.split(',');
const MODES = ALL_MODES.filter((m) => !chosenModes || chosenModes.includes(m.mode));

const prefixFor = (mode: string) => `b${mode.replace(/[^a-z]/g, '').slice(0, 8)}${Date.now().toString(36)}`;

async function runLoadMode(url: string, mode: string, placement: PlacementMode): Promise<void> {
  // Jobs per second that keep `load` of all slots busy: load · slots / (tasks per job · task length).
  const jobsPerSecond = (p.load * p.nodes * p.slots) / (p.tasksPerJob * (p.taskMs / 1000));
  const cluster = await startCluster(url, prefixFor(mode), placement, script);
  if (process.env.BENCH_DEBUG) console.error(`${mode}: cluster up`);
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  if (p.warmupJobs > 0) {
    // The processes' first jobs run while code is compiled; the measured trace starts warm.
    const warmup = poissonGaps(p.warmupJobs, jobsPerSecond, p.seed + 1_000_000);
    let next = 0;
    await drive(
      url,
      cluster,
      p.warmupJobs,
      p.tasksPerJob,
      p.taskMs,
      { nextGapMs: () => warmup[next++] },
      'w',
    );
  }
  // Each frontend's start-up sweep for orphaned jobs reads the job log (the warm-up's with it),
  // staleAfterMs after start: inside the trace it left timers late for a while (bench/RESULTS.md).
  await Promise.all(cluster.frontends.map((f) => f.startupSwept));
  lag.reset();
  const gaps = poissonGaps(p.jobs, jobsPerSecond, p.seed);
  let next = 0;
  const outcome = await drive(url, cluster, p.jobs, p.tasksPerJob, p.taskMs, {
    nextGapMs: () => gaps[next++],
  });
  lag.disable();
  const messagesPerTask = await stopAndCountMessages(cluster, p.warmupJobs + p.jobs, p.tasksPerJob);
  // The ideal response time of a job is its longest task: every task here lasts task_ms.
  const response = outcome.responseMs.sort((a, b) => a - b);
  const delay = outcome.schedDelayMs.sort((a, b) => a - b);
  const at = (q: number) => percentile(response, q);
  const ideal = idealResponseMs(gaps, p.nodes * p.slots, p.tasksPerJob, p.taskMs).sort((a, b) => a - b);
  const idealRatio = (q: number) => round(percentile(ideal, q) / p.taskMs);
  console.log(
    JSON.stringify({
      mode,
      nodes: p.nodes,
      slots: p.slots,
      load: p.load,
      task_ms: p.taskMs,
      tasks_per_job: p.tasksPerJob,
      probe_ratio: p.probeRatio,
      frontends: p.frontends,
      jobs: p.jobs,
      warmup_jobs: p.warmupJobs,
      jobs_done: response.length,
      p50_ms: round(at(0.5), 1),
      p95_ms: round(at(0.95), 1),
      p99_ms: round(at(0.99), 1),
      p50_ratio: round(at(0.5) / p.taskMs),
      p95_ratio: round(at(0.95) / p.taskMs),
      p99_ratio: round(at(0.99) / p.taskMs),
      ideal_p50_ratio: idealRatio(0.5),
      ideal_p95_ratio: idealRatio(0.95),
      ideal_p99_ratio: idealRatio(0.99),
      sched_delay_p50_ms: round(percentile(delay, 0.5)),
      sched_delay_p99_ms: round(percentile(delay, 0.99)),
      tasks_per_s: Math.round(outcome.tasks / (outcome.elapsedMs / 1000)),
      messages_per_task: round(messagesPerTask, 2),
      submit_p50_ms: round(
        percentile(
          outcome.submitMs.sort((a, b) => a - b),
          0.5,
        ),
      ),
      event_loop_delay_p99_ms: round(lag.percentile(99) / 1e6, 1),
      stages_ms: stageSummary(outcome.stages),
    }),
  );
}

async function runNoopMode(url: string): Promise<void> {
  const cluster = await startCluster(url, prefixFor('noop'), 'batch', script, 1);
  const jobs = Math.ceil(p.noopTasks / p.noopTasksPerJob);
  const outcome = await drive(url, cluster, jobs, p.noopTasksPerJob, 0, { maxInFlight: 64 });
  const messagesPerTask = await stopAndCountMessages(cluster, jobs, p.noopTasksPerJob);
  console.log(
    JSON.stringify({
      mode: 'noop-throughput',
      nodes: p.nodes,
      slots: p.slots,
      frontends: 1,
      tasks: outcome.tasks,
      jobs_done: outcome.responseMs.length,
      tasks_per_job: p.noopTasksPerJob,
      tasks_per_s: Math.round(outcome.tasks / (outcome.elapsedMs / 1000)),
      messages_per_task: round(messagesPerTask, 2),
    }),
  );
}

async function runBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-bench-'));
  // PASSERINE_NATS_URL, when set, is a NATS to run against instead of one of the benchmark's own.
  const given = readGiven(benchSettings.settings.natsUrl, { env: process.env });
  const server = given ? undefined : await startNatsServer({ dir, serverName: 'bench' });
  const url = given ?? server!.url;
  const probe = await connectNats({ servers: url });
  await waitForJetStream(probe);
  await probe.close();
  try {
    for (const { mode, placement } of MODES) {
      if (mode === 'noop-throughput') await runNoopMode(url);
      else await runLoadMode(url, mode, placement);
    }
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--role=nodes')) await runNodesRole();
else await runBench();
