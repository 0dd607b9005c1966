import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from '@passerine/eventlog';
import { type Clock, randomIdSource, silentLogger } from '@passerine/core';
import { Frontend } from '@passerine/frontend';
import type { PlacementMode } from '@passerine/scheduling';
import { connectNats, type NatsConnection, type ServiceContext } from '@passerine/natsconn';
import { NodeMonitor } from '@passerine/node-monitor';
import { createMessageCounter } from '@passerine/scheduling-protocol';
import { createNames } from '@passerine/subjects';
import { arg, p } from './params.ts';

/**
 * Sub-millisecond time: scheduling delays are a few ms, Date.now() would round them away. Every
 * process anchors it on its own start, which agrees with the other processes to well under a ms.
 */
export const clock: Clock = { now: () => performance.timeOrigin + performance.now() };

/** Waits at most `ms`; a shutdown step that hangs is reported instead of hanging the bench. */
export async function withTimeout(promise: Promise<unknown>, what: string, ms = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const ok = await Promise.race([promise.then(() => true as const), expired]);
  clearTimeout(timer);
  if (!ok) console.error(`${what} did not finish within ${ms} ms`);
  return ok;
}

export interface Cluster {
  frontends: Frontend[];
  counters: Array<{ total: number }>;
  names: ReturnType<typeof createNames>;
  stop(): Promise<void>;
}

/**
 * Starts the node monitors in `node_processes` child processes, so that neither they nor their
 * sleeping tasks share an event loop with the frontend and the load generator; stop() returns the
 * messages each process sent.
 */
async function startNodeProcesses(
  url: string,
  prefix: string,
  script: string,
): Promise<Array<{ stop(): Promise<number> }>> {
  const processes = Math.max(1, Math.min(p.nodeProcesses, p.nodes));
  const per = Math.ceil(p.nodes / processes);
  const started = [];
  for (let first = 0; first < p.nodes; first += per) {
    const count = Math.min(per, p.nodes - first);
    const child = spawn(
      process.execPath,
      [
        join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tsx.js'),
        script,
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
        if (child.exitCode === null) child.kill('SIGTERM');
        if (!(await withTimeout(exited, 'node monitor process stop'))) child.kill('SIGKILL');
        return Number(/messages (\d+)/.exec(output)?.[1] ?? 0);
      },
    });
  }
  return started;
}

export async function startCluster(
  url: string,
  prefix: string,
  placement: PlacementMode,
  script: string,
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
  if (process.env.BENCH_DEBUG) console.error('provisioned');
  const context = (nc: NatsConnection): ServiceContext => ({
    nc,
    names,
    logger: silentLogger(),
    clock,
    ids: randomIdSource(),
  });
  const counters: Array<{ total: number }> = [];
  const children = await startNodeProcesses(url, names.prefix, script);
  if (process.env.BENCH_DEBUG) console.error('node monitors up');
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
  let stopped: Promise<void> | undefined;
  return {
    frontends,
    counters,
    names,
    stop() {
      stopped ??= (async () => {
        const debug = (what: string) => process.env.BENCH_DEBUG && console.error(what);
        await withTimeout(Promise.all(frontends.map((f) => f.stop())), 'frontend stop');
        debug('frontends stopped');
        for (const child of children) counters.push({ total: await child.stop() });
        debug('node monitors stopped');
        await withTimeout(Promise.all(connections.map((nc) => nc.drain().catch(() => undefined))), 'drain');
        debug('drained');
      })();
      return stopped;
    },
  };
}

/**
 * `--role=nodes`: a child process running node monitors `first`..`first+count-1`. Prints `ready`,
 * and on SIGTERM the messages it sent. Node monitors share a few connections, as several would
 * share a machine's network.
 */
export async function runNodesRole(): Promise<void> {
  const names = createNames(arg('prefix'));
  const counter = createMessageCounter();
  const nodes: NodeMonitor[] = [];
  let nc = await connectNats({ servers: arg('url') });
  const connections = [nc];
  const slots = Number(arg('slots'));
  for (let i = 0; i < Number(arg('count')); i++) {
    if (i > 0 && i % 10 === 0) {
      nc = await connectNats({ servers: arg('url') });
      connections.push(nc);
    }
    const ctx: ServiceContext = { nc, names, logger: silentLogger(), clock, ids: randomIdSource() };
    const node = new NodeMonitor(ctx, { id: `n${Number(arg('first')) + i}`, slots, counter });
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
