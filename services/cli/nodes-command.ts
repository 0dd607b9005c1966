import type { KV } from '@nats-io/kv';
import { NotFoundError, ValidationError } from '@passerine/core';
import {
  cordon,
  type NodeAdvert,
  openCordonBucket,
  openMembershipBucket,
  readAdverts,
  readCordon,
  uncordon,
} from '@passerine/scheduling-protocol';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from './nats-options.ts';

interface NodesOptions {
  natsUrl?: string;
  prefix?: string;
  json?: boolean;
  timeout?: number;
}

/** Longest a drain may be asked to wait: a day. */
const MAX_DRAIN_SECONDS = 86_400;
const DRAIN_POLL_MS = 250;

async function adverts(bucket: KV): Promise<NodeAdvert[]> {
  return (await readAdverts<NodeAdvert>(bucket)).sort((a, b) => a.id.localeCompare(b.id));
}

async function requireNode(bucket: KV, nodeId: string): Promise<NodeAdvert> {
  const all = await adverts(bucket);
  const node = all.find((n) => n.id === nodeId);
  if (node) return node;
  const known = all.length === 0 ? 'no node monitor is running' : `nodes: ${all.map((n) => n.id).join(', ')}`;
  throw new NotFoundError(`no node monitor '${nodeId}' is known (${known})`, { field: 'node' });
}

async function withBuckets<T>(opts: NodesOptions, run: (nodes: KV, cordons: KV) => Promise<T>): Promise<T> {
  const { nc, names } = await connectFromOptions(opts);
  try {
    return await run(
      await openMembershipBucket(nc, names.nodeBucket),
      await openCordonBucket(nc, names.cordonBucket),
    );
  } finally {
    await nc.drain();
  }
}

async function list(opts: NodesOptions): Promise<void> {
  await withBuckets(opts, async (nodes, cordons) => {
    const rows = await adverts(nodes);
    for (const node of rows) {
      const cordoned = (await readCordon(cordons, node.id)) !== null;
      const row = {
        id: node.id,
        slots: node.slots,
        free_slots: node.freeSlots,
        running: node.running ?? node.slots - node.freeSlots,
        queued: node.queueLength,
        state: cordoned ? 'cordoned' : 'in service',
      };
      if (opts.json) console.log(JSON.stringify(row));
      else
        console.log(
          `${row.id}\t${row.state}\t${row.running} running\t${row.free_slots}/${row.slots} slots free\t${row.queued} queued`,
        );
    }
    if (!opts.json) console.error(`${rows.length} node(s)`);
  });
}

async function setCordon(nodeId: string, opts: NodesOptions, on: boolean): Promise<void> {
  await withBuckets(opts, async (nodes, cordons) => {
    if (on) {
      await requireNode(nodes, nodeId);
      await cordon(cordons, nodeId, Date.now());
      console.log(`node ${nodeId} cordoned: it takes no new reservations`);
    } else {
      if ((await readCordon(cordons, nodeId)) === null) await requireNode(nodes, nodeId);
      await uncordon(cordons, nodeId);
      console.log(`node ${nodeId} back in service`);
    }
  });
}

/** Cordons the node, then waits (bounded) until it says it runs nothing; reports what is left. */
async function drain(nodeId: string, opts: NodesOptions): Promise<void> {
  const seconds = opts.timeout ?? 300;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_DRAIN_SECONDS) {
    throw new ValidationError(`--timeout must be a number of seconds from 0 to ${MAX_DRAIN_SECONDS}`, {
      field: 'timeout',
    });
  }
  const left = await withBuckets(opts, async (nodes, cordons) => {
    await requireNode(nodes, nodeId);
    await cordon(cordons, nodeId, Date.now());
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const node = (await adverts(nodes)).find((n) => n.id === nodeId);
      // Gone from the membership: it stopped, and with it everything it ran.
      if (!node) return { running: 0, queued: 0 };
      const running = node.running ?? node.slots - node.freeSlots;
      if (node.cordoned && running === 0) return { running: 0, queued: node.queueLength };
      if (Date.now() >= deadline) return { running, queued: node.queueLength };
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  });
  if (left.running === 0) {
    console.log(
      `node ${nodeId} drained: no task running${left.queued ? `, ${left.queued} reservation(s) queued` : ''}`,
    );
    return;
  }
  console.log(`node ${nodeId} cordoned; after ${seconds} s ${left.running} task(s) still run there`);
  process.exitCode = 2;
}

export function registerNodes(program: Command): void {
  const nodes = program.command('nodes').description('list node monitors, take them out of service and back');
  withNatsOptions(
    nodes
      .command('list')
      .description('every node monitor with its state and load')
      .option('--json', 'one JSON object per line'),
  ).action((opts: NodesOptions) => list(opts));
  withNatsOptions(
    nodes
      .command('cordon')
      .argument('<node>', 'node monitor id')
      .description('the node takes no new reservations'),
  ).action((node: string, opts: NodesOptions) => setCordon(node, opts, true));
  withNatsOptions(
    nodes.command('uncordon').argument('<node>', 'node monitor id').description('the node takes work again'),
  ).action((node: string, opts: NodesOptions) => setCordon(node, opts, false));
  withNatsOptions(
    nodes
      .command('drain')
      .argument('<node>', 'node monitor id')
      .description('cordon the node and wait until its tasks have ended (bounded), then say what is left')
      .option('--timeout <seconds>', 'longest wait (default 300)', Number),
  ).action((node: string, opts: NodesOptions) => drain(node, opts));
}
