import { encode, randomIdSource, silentLogger, systemClock } from '@passerine/core';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeFrontend } from './fake-frontend.ts';
import {
  encodePayload,
  NodeMonitor,
  type NodeMonitorOptions,
  type ReserveMessage,
  type TaskRunner,
} from './index.ts';

const sleep = (ms: number) => ({ payload: encodePayload({ kind: 'sleep', ms }) });

describe('task reports', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let ctx: ServiceContext;
  const nodes: NodeMonitor[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    ctx = {
      nc,
      names: createNames(uniquePrefix('rep')),
      logger: silentLogger(),
      clock: systemClock,
      ids: randomIdSource(),
    };
  });
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await server?.stop();
  });

  async function node(options: NodeMonitorOptions): Promise<NodeMonitor> {
    const monitor = new NodeMonitor(ctx, { heartbeatMs: 100, ...options });
    await monitor.start();
    nodes.push(monitor);
    return monitor;
  }

  function reserve(nodeId: string, jobId: string, count: number) {
    const message: ReserveMessage = {
      jobId,
      frontendId: 'fe',
      user: 'u',
      priority: 0,
      count,
      resources: { cpus: 0, memMb: 0, diskMb: 0 },
    };
    nc.publish(ctx.names.nodeMonitor(nodeId, 'reserve'), encode(message));
  }

  it('ride on the next getTask to their frontend, else go in a batch, and are kept until acknowledged', async () => {
    const monitor = await node({ id: 'carrier', slots: 1 });
    const frontend = fakeFrontend(ctx, () => sleep(5));
    try {
      reserve(monitor.id, 'chain', 3);
      await waitFor(() => frontend.reports.length === 3, { message: 'three reports' });
      // The first two ends freed the slot for a queued reservation of the same frontend; the last
      // had none behind it.
      expect(frontend.paths).toEqual(['getTask', 'getTask', 'batch']);
      expect(frontend.reports.map((r) => r.taskId)).toEqual(['t1', 't2', 't3']);
      await waitFor(() => monitor.state().unreported === 0, { message: 'acknowledgements heard' });
    } finally {
      frontend.stop();
    }
  });

  it('still go out when the node stops in the turn its task ended', async () => {
    let monitor: NodeMonitor | undefined;
    const runner: TaskRunner = async () => {
      // Runs before the turn's end, where the report would have been sent.
      setImmediate(() => void monitor?.stop());
      return { status: 'finished', exitCode: 0, signal: null };
    };
    monitor = await node({ id: 'stopping', slots: 1, runner });
    const frontend = fakeFrontend(ctx, () => sleep(1));
    try {
      reserve(monitor.id, 'last-words', 1);
      await waitFor(() => frontend.reports.length === 1, { message: 'the report' });
      expect(frontend.paths).toEqual(['batch']);
    } finally {
      frontend.stop();
    }
  });

  it('are sent again as taskEnded requests when nobody acknowledges them', async () => {
    const monitor = await node({ id: 'unheard', slots: 1, reportAckTimeoutMs: 100 });
    const frontend = fakeFrontend(ctx, () => sleep(1), { acknowledges: false });
    try {
      // Acknowledgements that make no sense are dropped, and the node keeps serving.
      nc.publish(ctx.names.nodeMonitor(monitor.id, 'reported'), Uint8Array.of(0xc1));
      nc.publish(ctx.names.nodeMonitor(monitor.id, 'reported'), encode({ attemptIds: 'a1' }));
      reserve(monitor.id, 'old-frontend', 2);
      await waitFor(() => frontend.reports.length === 2, { message: 'both reported' });
      expect(frontend.paths).toEqual(['taskEnded', 'taskEnded']);
      expect(frontend.reports.map((r) => r.status)).toEqual(['finished', 'finished']);
      await waitFor(() => monitor.state().unreported === 0, { message: 'nothing left to report' });
    } finally {
      frontend.stop();
    }
  });
});
