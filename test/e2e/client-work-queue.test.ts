import { connect, type PasserineClient, type WorkQueue } from '@passerine/client';
import { startStore } from '@passerine/store/testing';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('typed work-queue calls and the pull worker of @passerine/client', () => {
  let server: TestServer;
  let stopStore: () => Promise<void>;
  let client: PasserineClient;
  let wq: WorkQueue;

  beforeAll(async () => {
    server = await startTestServer();
    const nc = await server.connect();
    const { names, store } = await startStore(nc);
    stopStore = async () => {
      await store.stop();
      await nc.drain();
    };
    client = await connect({ natsUrl: server.url, prefix: names.prefix });
    wq = client.workQueue();
  });
  afterAll(async () => {
    await client?.close();
    await stopStore?.();
    await server?.stop();
  });

  it('sets specs, adds units and counts them by state, with plain data in and out', async () => {
    await wq.setWorkSpec({ name: 'crawl', weight: 10, max_retries: 1 });
    expect(await wq.getWorkSpec('crawl')).toMatchObject({ name: 'crawl', weight: 10 });
    expect((await wq.listWorkSpecs()).map((s) => s.name)).toContain('crawl');
    const added = await wq.addWorkUnits(
      'crawl',
      Array.from({ length: 3 }, (_, i) => ({
        key: `u${i}`,
        data: { url: `https://example.test/${i}`, depth: i },
      })),
    );
    expect(added).toBe(3);
    expect(await wq.countWorkUnits('crawl')).toEqual({
      available: 3,
      blocked: 0,
      pending: 0,
      finished: 0,
      failed: 0,
    });
    const units = await wq.getWorkUnits('crawl', { state: 'available' });
    expect(units.map((u) => u.key)).toEqual(['u0', 'u1', 'u2']);
    expect(units[1].data).toEqual({ url: 'https://example.test/1', depth: 1 });
    await expect(wq.setWorkSpec({ name: 'bad', when: new Date() })).rejects.toThrow(
      /spec\.when cannot be stored/,
    );
    await expect(wq.getWorkUnits('crawl', { state: 'lost' as never })).rejects.toThrow(/no unit state lost/);
  });

  it('runs a pull worker that finishes and fails units, renews leases, and stops gracefully', async () => {
    await wq.setWorkSpec({ name: 'jobs', max_retries: 0 });
    await wq.addWorkUnits('jobs', [
      { key: 'ok', data: { n: 2 } },
      { key: 'bad', data: { n: -1 } },
      { key: 'slow', data: { n: 5 } },
    ]);
    const worker = client.runWorker({
      workSpecs: ['jobs'],
      concurrency: 2,
      leaseSeconds: 1,
      stopOnSignals: false,
      handler: async (unit) => {
        const { n } = unit.data as { n: number };
        if (n < 0) throw new RangeError(`n must be positive, not ${n}`);
        // Longer than the lease: renewals keep the unit ours.
        if (n === 5) await new Promise((r) => setTimeout(r, 1_500));
        return { n, squared: n * n };
      },
    });
    await waitFor(
      async () => (await wq.countWorkUnits('jobs')).pending === 0 && worker.finished + worker.failed === 3,
      {
        timeoutMs: 20_000,
        message: 'all three units handled',
      },
    );
    expect(await wq.countWorkUnits('jobs')).toMatchObject({ finished: 2, failed: 1 });
    const [ok] = await wq.getWorkUnits('jobs', { keys: ['ok'] });
    expect(ok.data).toEqual({ n: 2, squared: 4 });
    const [status] = await wq.getWorkUnitStatus('jobs', ['bad']);
    expect(status?.state).toBe('failed');
    expect(status?.traceback).toMatch(/RangeError: n must be positive, not -1/);
    const history = await wq.unitHistory('jobs', 'slow');
    expect(history).toHaveLength(1);
    expect(history[0].status).toBe('finished');
    await worker.stop();
    await worker.done;
    const summary = await wq.summary();
    expect(summary.find((s) => s.name === 'jobs')?.counts).toMatchObject({ finished: 2, failed: 1 });
  });

  it('hands back what is still in hand when the grace of a stop runs out', async () => {
    await wq.setWorkSpec({ name: 'held', max_retries: 5 });
    await wq.addWorkUnits('held', [{ key: 'forever' }]);
    let began = false;
    const worker = client.runWorker({
      workSpecs: ['held'],
      stopOnSignals: false,
      graceMs: 200,
      handler: (_unit, { signal }) =>
        new Promise((_, reject) => {
          began = true;
          signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    });
    await waitFor(() => began, { message: 'the unit in hand' });
    await worker.stop();
    expect(await wq.countWorkUnits('held')).toMatchObject({ available: 1, pending: 0 });
  });
});
