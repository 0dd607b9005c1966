/**
 * npm run bench:sparrow — Sparrow scheduling on one nats-server: batch sampling + late binding,
 * random placement and per-task sampling under the same Poisson load, then no-op throughput
 * through one frontend. Prints one JSON object per mode.
 *
 * Parameters (argv `--name=value` or env BENCH_NAME): nodes, slots, load, task_ms, tasks_per_job,
 * probe_ratio, frontends, jobs, noop_tasks, noop_tasks_per_job.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from '@passerine/cli';
import { type Clock, decode, randomIdSource, silentLogger } from '@passerine/core';
import { Frontend, type JobResult, type PlacementMode, submitJob } from '@passerine/frontend';
import {
  connectNats,
  type NatsConnection,
  type ServiceContext,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { createMessageCounter, encodePayload, NodeMonitor } from '@passerine/node-monitor';
import { createNames } from '@passerine/subjects';

function param(name: string, fallback: number): number {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const text = flag ? flag.slice(name.length + 3) : process.env[`BENCH_${name.toUpperCase()}`];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number > 0 (got ${text})`);
  return value;
}

const p = {
  nodes: param('nodes', 50),
  slots: param('slots', 4),
  load: param('load', 0.8),
  taskMs: param('task_ms', 100),
  tasksPerJob: param('tasks_per_job', 10),
  probeRatio: param('probe_ratio', 2),
  frontends: param('frontends', 1),
  jobs: param('jobs', 1000),
  noopTasks: param('noop_tasks', 60_000),
  noopTasksPerJob: param('noop_tasks_per_job', 100),
  nodeProcesses: param('node_processes', 1),
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Sub-millisecond time: scheduling delays are a few ms, Date.now() would round them away. */
const clock: Clock = { now: () => performance.timeOrigin + performance.now() };

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Cluster {
  frontends: Frontend[];
  counters: Array<{ total: number }>;
  names: ReturnType<typeof createNames>;
  stop(): Promise<void>;
}

/** Starts the node monitors in `node_processes` child processes; stop() returns the messages each sent. */
async function startNodeProcesses(url: string, prefix: string): Promise<Array<{ stop(): Promise<number> }>> {
  const processes = Math.max(1, Math.min(p.nodeProcesses, p.nodes));
  const per = Math.ceil(p.nodes / processes);
  const started = [];
  for (let first = 0; first < p.nodes; first += per) {
    const count = Math.min(per, p.nodes - first);
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'tsx.js'),
        fileURLToPath(import.meta.url),
        '--role=nodes',
        `--url=${url}`,
        `--prefix=${prefix}`,
        `--first=${first}`,
        `--count=${count}`,
        `--slots=${p.slots}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    while (!output.includes('ready')) {
      if (child.exitCode !== null) throw new Error('a node monitor process exited early');
      await new Promise((r) => setTimeout(r, 20));
    }
    started.push({
      async stop() {
        child.kill('SIGTERM');
        await exited;
        return Number(/messages (\d+)/.exec(output)?.[1] ?? 0);
      },
    });
  }
  return started;
}

/** Node monitors share a few connections, as several would share a machine's network. */
async function startCluster(
  url: string,
  prefix: string,
  placement: PlacementMode,
  frontendCount = p.frontends,
): Promise<Cluster> {
  const names = createNames(prefix);
  const connections: NatsConnection[] = [];
  const connect = async () => {
    const nc = await connectNats({ servers: url });
    connections.push(nc);
    return nc;
  };
  const admin = await connect();
  await provision(admin, names);
  const context = (nc: NatsConnection): ServiceContext => ({
    nc,
    names,
    logger: silentLogger(),
    clock,
    ids: randomIdSource(),
  });
  const counters: Array<{ total: number }> = [];
  const children = await startNodeProcesses(url, names.prefix);
  const frontends: Frontend[] = [];
  for (let i = 0; i < frontendCount; i++) {
    const counter = createMessageCounter();
    counters.push(counter);
    const frontend = new Frontend(context(await connect()), { id: `fe${i}`, placement, counter });
    await frontend.start();
    frontends.push(frontend);
  }
  const deadline = Date.now() + 10_000;
  while (frontends.some((f) => f.liveNodes < p.nodes) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  return {
    frontends,
    counters,
    names,
    async stop() {
      for (const f of frontends) await f.stop();
      for (const child of children) counters.push({ total: await child.stop() });
      for (const nc of connections) await nc.drain().catch(() => undefined);
    },
  };
}

interface Outcome {
  responseMs: number[];
  schedDelayMs: number[];
  /** Submit round trips: the job is durable in the log when one ends. */
  submitMs: number[];
  tasks: number;
  elapsedMs: number;
  messages: number;
}

/**
 * Submits `jobs` jobs and waits for all of them. `nextGapMs` spaces the submissions (Poisson
 * arrivals); with `maxInFlight` the submitter instead keeps that many jobs open (throughput).
 */
async function drive(
  url: string,
  cluster: Cluster,
  jobs: number,
  tasksPerJob: number,
  taskMs: number,
  pacing: { nextGapMs?: () => number; maxInFlight?: number },
): Promise<Outcome> {
  const nc = await connectNats({ servers: url });
  const submitted = new Map<string, number>();
  const responseMs: number[] = [];
  const schedDelayMs: number[] = [];
  const submitMs: number[] = [];
  let done = 0;
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
      responseMs.push(now - at);
      for (const task of result.tasks) if (task.startedAt) schedDelayMs.push(task.startedAt - at);
      done++;
      releaseOne();
      if (done === jobs) allDone();
    },
  });
  await nc.flush();
  const payload = encodePayload({ kind: 'sleep', ms: taskMs });
  const tasks = Array.from({ length: tasksPerJob }, (_, t) => ({ id: `t${t}`, payload }));
  const started = clock.now();
  let nextAt = started;
  for (let j = 0; j < jobs; j++) {
    if (pacing.nextGapMs) {
      nextAt += pacing.nextGapMs();
      const wait = nextAt - clock.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    } else if (pacing.maxInFlight && j - done >= pacing.maxInFlight) {
      await new Promise<void>((resolve) => {
        releaseOne = resolve;
      });
    }
    const jobId = `j${j}`;
    submitted.set(jobId, clock.now());
    const sentAt = clock.now();
    submitJob(nc, cluster.names, { id: jobId, probeRatio: p.probeRatio, tasks }).then(
      () => submitMs.push(clock.now() - sentAt),
      (err) => {
        console.error(`submit ${jobId} failed: ${err.message}`);
      },
    );
  }
  await finished;
  const elapsedMs = clock.now() - started;
  await nc.drain();
  // The node monitor processes report what they sent when they stop.
  await cluster.stop();
  const messages = cluster.counters.reduce((sum, c) => sum + c.total, 0) + 2 * jobs;
  return { responseMs, schedDelayMs, submitMs, tasks: jobs * tasksPerJob, elapsedMs, messages };
}

const ALL_MODES: Array<{ mode: string; placement: PlacementMode }> = [
  { mode: 'batch-late-binding', placement: 'batch' },
  { mode: 'random', placement: 'random' },
  { mode: 'per-task', placement: 'per-task' },
  { mode: 'noop-throughput', placement: 'batch' },
];
/** `--modes=random,noop-throughput` runs only those. */
const chosenModes = (
  process.argv.find((a) => a.startsWith('--modes='))?.slice(8) ?? process.env.BENCH_MODES
)?.split(',');
const MODES = ALL_MODES.filter((m) => !chosenModes || chosenModes.includes(m.mode));

/**
 * `--role=nodes`: a child process running node monitors `first`..`first+count-1`, so that the
 * frontend and the node monitors do not share one event loop. Prints `ready`, and on SIGTERM the
 * messages it sent.
 */
async function runNodesRole(): Promise<void> {
  const arg = (name: string) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
  const names = createNames(arg('prefix'));
  const counter = createMessageCounter();
  const nodes: NodeMonitor[] = [];
  let nc = await connectNats({ servers: arg('url') });
  const connections = [nc];
  for (let i = 0; i < Number(arg('count')); i++) {
    if (i > 0 && i % 10 === 0) {
      nc = await connectNats({ servers: arg('url') });
      connections.push(nc);
    }
    const ctx: ServiceContext = { nc, names, logger: silentLogger(), clock, ids: randomIdSource() };
    const node = new NodeMonitor(ctx, { id: `n${Number(arg('first')) + i}`, slots: p.slots, counter });
    await node.start();
    nodes.push(node);
  }
  console.log('ready');
  process.once('SIGTERM', async () => {
    for (const node of nodes) await node.stop();
    for (const c of connections) await c.drain().catch(() => undefined);
    console.log(`messages ${counter.total}`);
    process.exit(0);
  });
}

if (process.argv.includes('--role=nodes')) {
  await runNodesRole();
} else {
  await runBench();
}

async function runBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-bench-'));
  const server = process.env.PASSERINE_NATS_URL
    ? undefined
    : await startNatsServer({ dir, serverName: 'bench' });
  const url = process.env.PASSERINE_NATS_URL ?? server!.url;
  const probe = await connectNats({ servers: url });
  await waitForJetStream(probe);
  await probe.close();
  const params = {
    nodes: p.nodes,
    slots: p.slots,
    load: p.load,
    task_ms: p.taskMs,
    tasks_per_job: p.tasksPerJob,
    probe_ratio: p.probeRatio,
    frontends: p.frontends,
  };

  try {
    // Jobs per second that keep `load` of all slots busy: load · slots / (tasks per job · task length).
    const jobsPerSecond = (p.load * p.nodes * p.slots) / (p.tasksPerJob * (p.taskMs / 1000));
    for (const { mode, placement } of MODES.filter((m) => m.mode !== 'noop-throughput')) {
      const cluster = await startCluster(
        url,
        `b${mode.replace(/[^a-z]/g, '').slice(0, 8)}${Date.now().toString(36)}`,
        placement,
      );
      const lag = monitorEventLoopDelay({ resolution: 1 });
      lag.enable();
      const outcome = await drive(url, cluster, p.jobs, p.tasksPerJob, p.taskMs, {
        nextGapMs: () => (-Math.log(1 - Math.random()) * 1000) / jobsPerSecond,
      });
      await cluster.stop();
      const response = outcome.responseMs.sort((a, b) => a - b);
      const delay = outcome.schedDelayMs.sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          mode,
          ...params,
          jobs: p.jobs,
          p50_ms: round(percentile(response, 0.5), 1),
          p95_ms: round(percentile(response, 0.95), 1),
          p99_ms: round(percentile(response, 0.99), 1),
          p50_ratio: round(percentile(response, 0.5) / p.taskMs),
          p95_ratio: round(percentile(response, 0.95) / p.taskMs),
          p99_ratio: round(percentile(response, 0.99) / p.taskMs),
          sched_delay_p50_ms: round(percentile(delay, 0.5)),
          sched_delay_p99_ms: round(percentile(delay, 0.99)),
          tasks_per_s: Math.round(outcome.tasks / (outcome.elapsedMs / 1000)),
          messages_per_task: round(outcome.messages / outcome.tasks, 2),
          submit_p50_ms: round(
            percentile(
              outcome.submitMs.sort((a, b) => a - b),
              0.5,
            ),
          ),
          event_loop_delay_p99_ms: round(lag.percentile(99) / 1e6, 1),
        }),
      );
      lag.disable();
    }
    if (MODES.some((m) => m.mode === 'noop-throughput')) {
      const cluster = await startCluster(url, `bnoop${Date.now().toString(36)}`, 'batch', 1);
      const jobs = Math.ceil(p.noopTasks / p.noopTasksPerJob);
      const outcome = await drive(url, cluster, jobs, p.noopTasksPerJob, 0, { maxInFlight: 64 });
      await cluster.stop();
      console.log(
        JSON.stringify({
          mode: 'noop-throughput',
          nodes: p.nodes,
          slots: p.slots,
          frontends: 1,
          tasks: outcome.tasks,
          tasks_per_job: p.noopTasksPerJob,
          tasks_per_s: Math.round(outcome.tasks / (outcome.elapsedMs / 1000)),
          messages_per_task: round(outcome.messages / outcome.tasks, 2),
        }),
      );
    }
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
