import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type PasserineClient } from '@passerine/client';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tasksModule = fileURLToPath(new URL('./fixtures/client-tasks.ts', import.meta.url));

describe('the Pool of @passerine/client', () => {
  let cluster: SchedulingCluster;
  let client: PasserineClient;
  const running = () => cluster.nodes.reduce((sum, node) => sum + node.state().running, 0);

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'p0', slots: 4 });
    await cluster.addNode({ id: 'p1', slots: 4 });
    await cluster.waitForNodes(2);
    client = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
    await waitFor(() => client.nodes().length === 2, { message: 'the client to see both nodes' });
  });
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('applies, maps and iterates as multiprocessing does', async () => {
    const pool = client.pool({ processes: 4 });
    expect(await pool.apply((a: number, b: number) => a + b, [2, 3])).toBe(5);
    let called: unknown;
    const async = pool.applyAsync((s: string) => s.toUpperCase(), ['hi'], { callback: (v) => (called = v) });
    expect(await async.get(10_000)).toBe('HI');
    expect(async.ready()).toBe(true);
    expect(async.successful()).toBe(true);
    expect(called).toBe('HI');
    expect(await pool.map((x: number) => x ** 3, [1, 2, 3])).toEqual([1, 8, 27]);
    expect(await pool.mapAsync((x: number) => -x, [1, 2]).get()).toEqual([-1, -2]);
    const inOrder: number[] = [];
    for await (const value of pool.imap(
      (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)),
      [300, 10, 100],
    )) {
      inOrder.push(value as number);
    }
    expect(inOrder).toEqual([300, 10, 100]);
    // The first item's task ends only once the second's end was seen: the order does not hang on
    // timing. Its path travels as the item, since a shipped function has no free variables.
    const barrier = join(mkdtempSync(join(tmpdir(), 'passerine-order-')), 'second-ended');
    const asTheyEnd: string[] = [];
    for await (const value of pool.imapUnordered(
      async (path: string) => {
        if (path === 'second') return path;
        // A module import written as text: the test's bundler would rewrite an import() it sees.
        const { existsSync } = await new Function('return import("node:fs")')();
        while (!existsSync(path)) await new Promise((r) => setTimeout(r, 20));
        return 'first';
      },
      [barrier, 'second'],
    )) {
      asTheyEnd.push(value as string);
      if (asTheyEnd.length === 1) writeFileSync(barrier, '');
    }
    rmSync(dirname(barrier), { recursive: true, force: true });
    expect(asTheyEnd).toEqual(['second', 'first']);
    const failing = pool.applyAsync(
      (x: number) => {
        throw new Error(`no ${x}`);
      },
      [1],
    );
    await failing.wait();
    expect(failing.successful()).toBe(false);
    await expect(failing.get()).rejects.toThrow(/Error: no 1/);
    await pool.close();
    expect(() => pool.map((x: number) => x, [1])).toThrow(/the pool is closed/);
  });

  it('keeps at most `processes` of its tasks in flight across the cluster', async () => {
    let now = 0;
    let most = 0;
    const pool = client.pool({
      processes: 2,
      onUpdate: (s) => {
        if (s.state === 'running') most = Math.max(most, ++now);
        if (s.state === 'finished') now--;
      },
    });
    const items = [100, 100, 100, 100, 100, 100];
    expect(await pool.map((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), items)).toEqual(
      items,
    );
    expect(most).toBe(2);
    await pool.close();
  });

  it('join waits for a closed pool; terminate kills what it has in hand', async () => {
    const pool = client.pool({ processes: 4 });
    await expect(pool.join()).rejects.toThrow(/call close\(\) first/);
    const long = pool.map((ms: number) => new Promise((r) => setTimeout(r, ms)), [60_000, 60_000]);
    await waitFor(() => running() === 2, { message: 'both tasks running' });
    // Listened to first: its tasks may be rejected while terminate() still waits for their kill.
    const rejected = expect(long).rejects.toThrow();
    await pool.terminate();
    await rejected;
    await waitFor(() => running() === 0, { message: 'nothing left running on the nodes' });
    await pool.join();
  });

  it('runs module exports too', async () => {
    const pool = client.pool();
    expect(pool.processes).toBe(8);
    const results = await Promise.all([1, 2].map((x) => pool.applyAsync((v: number) => v * 2, [x]).get()));
    expect(results).toEqual([2, 4]);
    await pool.close();
    expect(tasksModule).toMatch(/client-tasks\.ts$/);
  });
});
