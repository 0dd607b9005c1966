import { encode, randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { type NatsConnection, serveRpc, type ServiceContext } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodePayload,
  type GetTaskRequest,
  type LaunchSpec,
  NodeMonitor,
  type NodeMonitorOptions,
  type ReserveMessage,
  type TaskEndedReport,
  type TaskRunner,
} from './index.ts';

/** Stands in for a frontend: hands out one task per getTask and records what the node did. */
function fakeFrontend(ctx: ServiceContext, task: (jobId: string) => Partial<LaunchSpec> | null) {
  const asked: string[] = [];
  const reports: TaskEndedReport[] = [];
  let n = 0;
  const subs = [
    serveRpc(ctx.nc, ctx.names.frontend('fe', 'getTask'), (req: GetTaskRequest) => {
      asked.push(req.jobId);
      const spec = task(req.jobId);
      if (!spec) return null;
      return {
        jobId: req.jobId,
        taskId: `t${++n}`,
        attemptId: `a${n}`,
        user: 'u',
        resources: { cpus: 0, memMb: 0, diskMb: 0 },
        ...spec,
      };
    }),
    serveRpc(ctx.nc, ctx.names.frontend('fe', 'taskEnded'), (report: TaskEndedReport) => {
      reports.push(report);
      return true;
    }),
  ];
  return {
    asked,
    reports,
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
}

const sleep = (ms: number) => ({ payload: encodePayload({ kind: 'sleep', ms }) });

describe('node monitor', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let ctx: ServiceContext;
  const nodes: NodeMonitor[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    ctx = {
      nc,
      names: createNames(uniquePrefix('nm')),
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

  function reserve(nodeId: string, r: Partial<ReserveMessage> & { jobId: string }) {
    const message: ReserveMessage = {
      frontendId: 'fe',
      user: 'u',
      priority: 0,
      count: 1,
      resources: { cpus: 0, memMb: 0, diskMb: 0 },
      ...r,
    };
    nc.publish(ctx.names.nodeMonitor(nodeId, 'reserve'), encode(message));
  }

  /** Occupies the node's one slot, queues the given reservations behind it, then frees the slot. */
  async function servedOrder(
    monitor: NodeMonitor,
    queued: Array<Partial<ReserveMessage> & { jobId: string }>,
  ) {
    const frontend = fakeFrontend(ctx, (jobId) => (jobId === 'blocker' ? sleep(60_000) : sleep(1)));
    try {
      reserve(monitor.id, { jobId: 'blocker' });
      await waitFor(() => monitor.state().running === 1, { message: 'blocker running' });
      for (const r of queued) reserve(monitor.id, r);
      const units = queued.reduce((sum, r) => sum + (r.count ?? 1), 0);
      await waitFor(() => monitor.state().queued === units, { message: 'reservations queued' });
      nc.publish(ctx.names.nodeMonitor(monitor.id, 'cancel'), encode({ jobId: 'blocker', kill: true }));
      await waitFor(() => frontend.reports.length === units + 1, { message: 'all tasks reported' });
      return frontend.asked.slice(1);
    } finally {
      frontend.stop();
    }
  }

  it('serves strict priorities, lower number first', async () => {
    const monitor = await node({ id: 'prio', slots: 1, policy: 'priority' });
    const order = await servedOrder(monitor, [
      { jobId: 'low-a', priority: 5 },
      { jobId: 'low-b', priority: 5 },
      { jobId: 'high', priority: 1 },
    ]);
    expect(order).toEqual(['high', 'low-a', 'low-b']);
  });

  it('shares a node fairly between users by weight', async () => {
    const monitor = await node({ id: 'fair', slots: 1, policy: 'fair', weights: { alice: 1, bob: 1 } });
    const order = await servedOrder(monitor, [
      { jobId: 'alice-job', user: 'alice', count: 4 },
      { jobId: 'bob-job', user: 'bob', count: 4 },
    ]);
    expect(order.slice(0, 4).filter((j) => j === 'bob-job')).toHaveLength(2);
  });

  it('serves in arrival order under fifo', async () => {
    const monitor = await node({ id: 'fifo', slots: 1 });
    const order = await servedOrder(monitor, [
      { jobId: 'first', priority: 9 },
      { jobId: 'second', priority: 0 },
    ]);
    expect(order).toEqual(['first', 'second']);
  });

  it('never runs more tasks than its slots and resources allow', async () => {
    let now = 0;
    let most = 0;
    const runner: TaskRunner = async () => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 20));
      now--;
      return { status: 'finished', exitCode: 0, signal: null };
    };
    const monitor = await node({ id: 'bounded', slots: 4, resources: { cpus: 2 }, runner });
    const frontend = fakeFrontend(ctx, () => sleep(0));
    reserve(monitor.id, { jobId: 'wide', count: 12, resources: { cpus: 1, memMb: 0, diskMb: 0 } });
    await waitFor(() => frontend.reports.length === 12, { message: '12 reports' });
    frontend.stop();
    expect(most).toBe(2);
    expect(monitor.state().freeSlots).toBe(4);
  });

  it('kills a task that never exits at its timeout and gets its slot back', async () => {
    const monitor = await node({ id: 'timeouts', slots: 2 });
    const frontend = fakeFrontend(ctx, () => ({
      command: { command: 'sleep', args: ['60'], timeoutMs: 200 },
    }));
    reserve(monitor.id, { jobId: 'forever' });
    await waitFor(() => frontend.reports.length === 1, { message: 'timeout reported' });
    frontend.stop();
    expect(frontend.reports[0]).toMatchObject({
      status: 'timeout',
      error: expect.stringMatching(/timed out after 200 ms/),
    });
    await waitFor(() => monitor.state().freeSlots === 2, { message: 'slots back' });
  });

  it('drops a reservation whose frontend answers no task or is gone', async () => {
    const monitor = await node({ id: 'dropper', slots: 1, getTaskTimeoutMs: 200 });
    const frontend = fakeFrontend(ctx, () => null);
    reserve(monitor.id, { jobId: 'none' });
    reserve(monitor.id, { jobId: 'ghost', frontendId: 'nobody' });
    await waitFor(() => frontend.asked.length === 1 && monitor.state().queued === 0, {
      message: 'queue drained',
    });
    await waitFor(() => monitor.state().freeSlots === 1, { message: 'slot free' });
    frontend.stop();
  });

  it('hands opaque payloads to an external worker on its task subject', async () => {
    const { serveExternalWorker } = await import('./index.ts');
    const monitor = await node({ id: 'with-worker', slots: 1 });
    const worker = serveExternalWorker(nc, ctx.names.workerTasks('with-worker'), (task) => ({
      exitCode: 0,
      output: [`did ${new TextDecoder().decode(task.payload)}`],
    }));
    const frontend = fakeFrontend(ctx, () => ({ payload: new TextEncoder().encode('job-x') }));
    reserve(monitor.id, { jobId: 'external' });
    await waitFor(() => frontend.reports.length === 1, { message: 'worker result' });
    expect(frontend.reports[0]).toMatchObject({ status: 'finished', exitCode: 0 });
    worker.stop();
    frontend.stop();
  });
});
