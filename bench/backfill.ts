/**
 * `npm run bench:backfill`: a backfill of 10,000 parameterised runs of one job definition against
 * a small cluster (4 node monitors × 4 slots, each its own process, with a frontend and a
 * dispatcher in another). The backfill is asked for in slices (BENCH_SLICE ticks every
 * BENCH_PACE_MS), as a long backfill is fed in, while a run-status call is timed every 20 ms.
 * Each run's task counts, on its own node, the batch runs working there beside it (their working
 * directories): more than the node's slots is an overcommit, seen by the tasks and not by the
 * ledger that enforces it. Prints one JSON object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdmissionEvent } from '@passerine/batch';
import { backfill, listRuns, runStatus } from '@passerine/batch-protocol';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import { connectNats, startNatsServer, waitForJetStream } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { envNumber, percentile, print, progress, round } from './support.ts';

const RUNS = envNumber('BENCH_RUNS', 10_000);
const NODES = envNumber('BENCH_NODES', 4);
const SLOTS = envNumber('BENCH_SLOTS', 4);
const SLICE = envNumber('BENCH_SLICE', 50);
const PACE_MS = envNumber('BENCH_PACE_MS', 250);
const TASK_MS = envNumber('BENCH_TASK_MS', 20);

const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'passerine.js');
const DAY = 86_400_000;
const FIRST_DAY = Date.parse('1990-01-01T00:00:00Z');

/** A run's task: count the batch runs working on this node now, note an overcommit, work a little. */
const TASK = [
  'here=$(dirname "$PASSERINE_WORKDIR")',
  `n=$(ls -d "$here"/passerine-run-* | wc -l)`,
  `if [ "$n" -gt ${SLOTS} ]; then echo "$n" >> "$here/overcommitted"; fi`,
  `sleep ${TASK_MS / 1000}`,
  'echo {date}',
].join('; ');

function serve(args: string[], env: NodeJS.ProcessEnv, cwd: string): ChildProcess {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    cwd,
    env: { ...process.env, PASSERINE_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}

function serving(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('serving.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`a service exited (${code}) before serving: ${out}`)));
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-bench-backfill-'));
  const server = await startNatsServer({ dir: join(dir, 'nats'), serverName: 'bench-backfill' });
  const nc = await connectNats({ servers: server.url });
  await waitForJetStream(nc);
  const names = createNames(`bf${Date.now().toString(36)}`);
  await provision(nc, names);
  const common = { PASSERINE_HEARTBEAT_MS: '200', PASSERINE_PUMP_NAMESPACES: '' };
  const flags = ['--nats-url', server.url, '--prefix', names.prefix];
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      const tmp = join(dir, `node${i}`);
      await mkdir(tmp);
      const env = {
        ...common,
        TMPDIR: tmp,
        PASSERINE_NODE_ID: `n${i}`,
        PASSERINE_ARTIFACT_CACHE: join(tmp, 'cache'),
      };
      children.push(serve(['node-monitor', '--slots', String(SLOTS), ...flags], env, dir));
    }
    children.push(serve(['frontend', ...flags], common, dir), serve(['dispatcher', ...flags], common, dir));
    await Promise.all(children.map(serving));

    const jobs = join(dir, 'jobs');
    await mkdir(jobs);
    const definition = `name: daily\nrunner: shell\ncommand: ${JSON.stringify(TASK)}\nschedule: { cron: "0 0 * * *", missed: skip }\n`;
    await writeFile(join(jobs, 'daily.yaml'), definition);
    const applied = spawn(process.execPath, [bin, 'jobs', 'apply', jobs, ...flags], { stdio: 'inherit' });
    await new Promise((resolve) => applied.once('exit', resolve));
    // Slots advertised by every node before the backfill is measured against them.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const statusMs: number[] = [];
    const known: string[] = [];
    let feeding = true;
    const timer = (async () => {
      while (feeding || statusMs.length === 0) {
        const runId = known[Math.floor(Math.random() * known.length)];
        if (runId) {
          const t0 = performance.now();
          await runStatus(nc, names, runId);
          statusMs.push(performance.now() - t0);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const started = performance.now();
    for (let first = 0; first < RUNS; first += SLICE) {
      const count = Math.min(SLICE, RUNS - first);
      const from = FIRST_DAY + first * DAY;
      await backfill(nc, names, { job: 'daily', from, to: from + (count - 1) * DAY });
      for (let i = 0; i < count; i++) known.push(`daily@${new Date(from + i * DAY).toISOString()}`);
      if (first % 1_000 === 0) progress(`backfill: ${first + count} of ${RUNS} asked`);
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    // Until every run admitted has ended, the status calls go on.
    for (;;) {
      const { counts } = await listRuns(nc, names, { limit: 1 });
      progress(`runs: ${counts.active} active, ${counts.succeeded} succeeded, ${counts.dropped} dropped`);
      if (counts.active === 0 && counts.dispatched + counts.dropped + counts.refused >= RUNS) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    feeding = false;
    await timer;
    const elapsedS = (performance.now() - started) / 1000;

    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    const admissions: AdmissionEvent[] = [];
    for await (const record of log.read({ filter: names.batchAdmissions('daily') })) {
      if (record.kind === 'commit') admissions.push(...(record.events as unknown as AdmissionEvent[]));
    }
    const drops = admissions.filter((e) => e.type === 'RunDropped');
    const dropsBelowBound = drops.filter((e) => {
      const { backlog, bound } = e.data as { backlog: number; bound: number };
      return backlog + 1 <= bound;
    }).length;
    const { counts } = await listRuns(nc, names, { limit: 1 });
    let overcommitted = 0;
    for (let i = 0; i < NODES; i++) {
      const tmp = join(dir, `node${i}`);
      if ((await readdir(tmp)).includes('overcommitted')) {
        overcommitted += (await readFile(join(tmp, 'overcommitted'), 'utf8')).trim().split('\n').length;
      }
    }
    const sorted = statusMs.sort((a, b) => a - b);
    print({
      bench: 'backfill',
      runs: admissions.length,
      completed: counts.succeeded,
      failed: counts.failed,
      dropped: counts.dropped,
      refused: counts.refused,
      drops_below_bound: dropsBelowBound,
      overcommitted,
      status_calls: sorted.length,
      status_p50_ms: round(percentile(sorted, 50)),
      status_p99_ms: round(percentile(sorted, 99)),
      nodes: NODES,
      slots: SLOTS,
      backlog_bound: NODES * SLOTS * 10,
      slice: SLICE,
      pace_ms: PACE_MS,
      task_ms: TASK_MS,
      elapsed_s: round(elapsedS, 1),
      server_version: server.version.text,
      node: process.version,
    });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    await nc.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
