/**
 * npm run bench:executor — @passerine/client's Executor.map and Pool.map of no-op inline functions
 * on `passerine up` with a second node monitor (`passerine serve node-monitor`), each in its own
 * process, the client in this one. Every item is its own task with its own attempt, end report and
 * outcome notice; nothing runs in the client. Prints one JSON object per API: tasks per second
 * and how many tasks each node ran.
 *
 * Parameters (`--name=value`): tasks (10,000), warmup (10,000 tasks of each API run first and not
 * counted: the processes' first tasks run while their code is compiled), slots per node (64),
 * function_workers per node (1), processes of the pool (10,000: every task in flight, as map is),
 * rounds (1: runs of each API, reported separately).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PasserineClient, type TaskStatus } from '@passerine/client';
import { spawnCli, waitFor } from '@passerine/test-support';

function param(name: string, fallback: number): number {
  const text = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number >= 0`);
  return value;
}

const p = {
  tasks: param('tasks', 10_000),
  warmup: param('warmup', 10_000),
  slots: param('slots', 64),
  functionWorkers: param('function_workers', 1),
  processes: param('processes', 10_000),
  rounds: param('rounds', 1),
};

type Started = ReturnType<typeof spawnCli>;

async function stop(child: Started): Promise<void> {
  if (child.child.exitCode !== null) return;
  child.child.kill('SIGTERM');
  const exited = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('late'), 10_000))]);
  if (exited === 'late') child.child.kill('SIGKILL');
}

/** Counts, per node, the tasks whose end a hook heard. */
function perNode(): { hook: (s: TaskStatus) => void; counts: Record<string, number>; reset(): void } {
  const counts: Record<string, number> = {};
  return {
    counts,
    hook: (status) => {
      if (status.state === 'finished' && status.nodeId)
        counts[status.nodeId] = (counts[status.nodeId] ?? 0) + 1;
    },
    reset() {
      for (const key of Object.keys(counts)) delete counts[key];
    },
  };
}

async function measure(
  label: string,
  run: (items: number[]) => Promise<unknown[]>,
  nodes: ReturnType<typeof perNode>,
  extra: Record<string, unknown>,
): Promise<void> {
  if (p.warmup > 0) await run(Array.from({ length: p.warmup }, (_, i) => i));
  for (let round = 0; round < p.rounds; round++) {
    nodes.reset();
    const items = Array.from({ length: p.tasks }, (_, i) => i);
    const started = performance.now();
    const results = await run(items);
    const ms = performance.now() - started;
    if (results.length !== p.tasks)
      throw new Error(`${label}: ${results.length} results for ${p.tasks} items`);
    console.log(
      JSON.stringify({
        api: label,
        tasks: p.tasks,
        nodes: Object.keys(nodes.counts).length,
        slots_per_node: p.slots,
        function_workers_per_node: p.functionWorkers,
        ...extra,
        [`${label.replace('.', '_').toLowerCase()}_tasks_per_s`]: Math.round(p.tasks / (ms / 1000)),
        elapsed_ms: Math.round(ms),
        tasks_per_node: nodes.counts,
      }),
    );
  }
}

async function main(): Promise<void> {
  const cwd = await mkdtemp(join(tmpdir(), 'passerine-bench-executor-'));
  const nodeFlags = [`--slots=${p.slots}`, `--function-workers=${p.functionWorkers}`];
  // BENCH_PROFILE=DIR writes CPU profiles of the two services' processes there.
  const profile = process.env.BENCH_PROFILE
    ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` }
    : {};
  const up = spawnCli(
    ['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0', ...nodeFlags],
    cwd,
    profile,
  );
  let second: Started | undefined;
  let client: PasserineClient | undefined;
  try {
    const file = join(cwd, '.passerine', 'endpoints.json');
    await waitFor(() => existsSync(file) && /Press Ctrl-C/.test(up.output()), {
      timeoutMs: 60_000,
      message: 'passerine up',
    });
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as { nats: string; prefix: string };
    second = spawnCli(
      ['serve', 'node-monitor', `--nats-url=${endpoints.nats}`, `--prefix=${endpoints.prefix}`, ...nodeFlags],
      cwd,
      profile,
    );
    client = await connect({ cwd });
    const connected = client;
    await waitFor(() => connected.nodes().length >= 2, { timeoutMs: 30_000, message: 'two node monitors' });
    const noop = (_: number) => null;
    const nodes = perNode();
    const ex = client.executor({ onUpdate: nodes.hook, watchStarts: false });
    await measure('Executor.map', (items) => ex.map(noop, items), nodes, {});
    const pool = client.pool({ processes: p.processes, onUpdate: nodes.hook, watchStarts: false });
    await measure('Pool.map', (items) => pool.map(noop, items), nodes, { processes: p.processes });
    await pool.close();
  } finally {
    await client?.close().catch(() => undefined);
    if (second) await stop(second);
    await stop(up);
    await rm(cwd, { recursive: true, force: true });
  }
}

await main();
