import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  ConnectionLostError,
  connect,
  type PasserineClient,
  TaskError,
  type TaskStatus,
} from '@passerine/client';
import { FAST, type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { freePort } from '@passerine/natsconn';
import { waitFor } from '@passerine/test-support';
import { afterEach, describe, expect, it } from 'vitest';

const tasksModule = fileURLToPath(new URL('./fixtures/client-tasks.ts', import.meta.url));

/** A TCP proxy to the NATS server that can be cut, as a network would be. */
async function proxyTo(target: string) {
  const { hostname, port } = new URL(target);
  const listenPort = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((inbound) => {
        const outbound = tcpConnect(Number(port), hostname);
        for (const s of [inbound, outbound]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        inbound.pipe(outbound).pipe(inbound);
      }).listen(listenPort, '127.0.0.1', () => resolve());
    });
  await open();
  return {
    url: `nats://127.0.0.1:${listenPort}`,
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    reopen: open,
  };
}

describe('@passerine/client when things fail', () => {
  let cluster: SchedulingCluster | undefined;
  let client: PasserineClient | undefined;
  const running = () => cluster!.nodes.reduce((sum, node) => sum + node.state().running, 0);

  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await cluster?.stop();
    client = undefined;
    cluster = undefined;
  });

  it('rejects the futures of a map whose connection drops, and cancels its jobs once it is back', async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'c0', slots: 4 });
    await cluster.waitForNodes(1);
    const proxy = await proxyTo(cluster.server.url);
    client = await connect({ natsUrl: proxy.url, prefix: cluster.names.prefix });
    const map = client
      .executor()
      .map((ms: number) => new Promise((r) => setTimeout(r, ms)), [60_000, 60_000, 60_000]);
    await waitFor(() => running() === 3, { message: 'the tasks running' });
    await proxy.cut();
    await expect(map).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(map).rejects.toThrow(/the connection to NATS was lost/);
    await proxy.reopen();
    await waitFor(() => running() === 0, {
      timeoutMs: 20_000,
      message: 'the dropped tasks stopped on the node',
    });
  });

  it('runs a task again elsewhere when its node is lost, telling the hook; with no retries left it is lost', async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend(FAST);
    const doomed = await cluster.addNode({ id: 'doomed', slots: 2 });
    await cluster.waitForNodes(1);
    client = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
    const states: TaskStatus[] = [];
    const ex = client.executor({ onUpdate: (s) => states.push(s) });
    const retried = ex.submit({ module: tasksModule, export: 'after', args: [1_500, 'done'] });
    const given = client
      .executor({ retries: 0 })
      .submit({ module: tasksModule, export: 'after', args: [1_500, 'x'] });
    await waitFor(() => retried.status === 'running' && given.status === 'running', {
      message: 'both running',
    });
    await cluster.addNode({ id: 'spare', slots: 2 });
    await doomed.stop();
    expect(await retried.result(30_000)).toBe('done');
    expect(retried.nodeId).toBe('spare');
    expect(states.map((s) => s.state)).toEqual(
      expect.arrayContaining(['running', 'lost', 'running', 'finished']),
    );
    const lost = (await given.result(30_000).catch((e) => e)) as TaskError;
    expect(lost).toBeInstanceOf(TaskError);
    expect(lost.state).toBe('lost');
    expect(lost.message).toMatch(/node doomed was lost; 0 retries used up/);
  });
});
