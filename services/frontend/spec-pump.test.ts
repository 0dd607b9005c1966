import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, type CborValue, decodeValue, encodeValue, mapGet } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { createStoreService } from '@passerine/store';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingCluster, startSchedulingCluster } from './test-cluster.ts';

const cbor = (fields: Record<string, CborValue>) => encodeValue(CborMap.fromObject(fields));
const FINISHED = 4;
const FAILED = 5;

describe('pumping executable work specs onto node monitors', () => {
  let cluster: SchedulingCluster;
  let client: WorkQueueClient;
  let stopStore: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    const store = createStoreService(cluster.ctx, { leaseTtlMs: 1_000 });
    await store.start();
    client = new WorkQueueClient(cluster.nc, cluster.names);
    stopStore = () => store.stop();
    dir = await mkdtemp(join(tmpdir(), 'passerine-pump-'));
    await cluster.addFrontend({ pump: { specRefreshMs: 100, maxIdleMs: 100, leaseSeconds: 10 } });
    await cluster.addFrontend({ pump: { specRefreshMs: 100, maxIdleMs: 100, leaseSeconds: 10 } });
    for (let i = 0; i < 3; i++) await cluster.addNode({ id: `n${i}`, slots: 2 });
    await cluster.waitForNodes(3);
  });
  afterAll(async () => {
    await cluster?.stop();
    await stopStore?.();
    await rm(dir, { recursive: true, force: true });
  });

  const counts = (spec: string) => client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec });
  const addUnits = (spec: string, keys: string[], data: (key: string) => Record<string, CborValue> = () => ({})) =>
    client.call('addWorkUnits', { spec, units: keys.map((key) => ({ key, data: cbor(data(key)) })) });

  it('runs every unit once on a node monitor and records it as the unit’s attempt', async () => {
    const out = join(dir, 'ran.txt');
    const command = `echo "$PASSERINE_WORK_UNIT_KEY $PASSERINE_WORK_UNIT_DATA" >> ${out}`;
    await client.call('setWorkSpec', { spec: cbor({ name: 'echo', runner: CborMap.fromObject({ command }) }) });
    const keys = Array.from({ length: 20 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await addUnits('echo', keys, (key) => ({ n: Number(key.slice(1)) }));

    await waitFor(async () => (await counts('echo'))[FINISHED] === 20, { message: '20 units finished' });
    const lines = (await readFile(out, 'utf8')).trim().split('\n').sort();
    expect(lines).toEqual(keys.map((key) => `${key} {"n":${Number(key.slice(1))}}`));
    const history = await client.call<'unitHistory', Array<{ worker_id: string; status: number }>>('unitHistory', {
      spec: 'echo',
      key: 'u07',
    });
    expect(history).toHaveLength(1);
    expect(history[0].worker_id).toMatch(/\/pump$/);
  });

  it('never gives a runner’s units to a pull worker that does not name the spec', async () => {
    // A namespace no frontend pumps, so only the pull worker asks.
    const unpumped = new WorkQueueClient(cluster.nc, cluster.names, { namespace: 'unpumped' });
    await unpumped.call('setWorkSpec', { spec: cbor({ name: 'run', runner: CborMap.fromObject({ command: 'true' }) }) });
    await unpumped.call('addWorkUnits', { spec: 'run', units: [{ key: 'r1', data: cbor({}) }] });
    expect(await unpumped.call('getWork', { workerId: 'python-worker', maxJobs: 10 })).toEqual([]);
    const named = await unpumped.call<'getWork', unknown[]>('getWork', { workerId: 'w', specs: ['run'] });
    expect(named).toHaveLength(1);
  });

  it('leaves a paused spec alone until it runs again', async () => {
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'held', runner: CborMap.fromObject({ command: 'true' }), disabled: true }),
    });
    await addUnits('held', ['h1']);
    // The pumps refresh their spec list every 100 ms: five refreshes in which to take it wrongly.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await counts('held')).toEqual({ 1: 1 });
    await client.call('controlWorkSpec', { name: 'held', changes: { status: 1 } });
    await waitFor(async () => (await counts('held'))[FINISHED] === 1, { message: 'resumed unit finished' });
  });

  it('fails a unit whose command fails, with the exit status in its traceback', async () => {
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'broken', runner: CborMap.fromObject({ command: 'exit 3' }) }),
    });
    await addUnits('broken', ['b1']);
    await waitFor(async () => (await counts('broken'))[FAILED] === 1, { message: 'unit failed' });
    const [status] = await client.call<'getWorkUnitStatus', Array<{ traceback: string }>>('getWorkUnitStatus', {
      spec: 'broken',
      keys: ['b1'],
    });
    expect(status.traceback).toMatch(/exit status 3/);
  });

  it('retries a failing unit up to max_retries, then fails it', async () => {
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'flaky', max_retries: 2, runner: CborMap.fromObject({ command: ['sh', '-c', 'exit 7'] }) }),
    });
    await addUnits('flaky', ['f1']);
    await waitFor(async () => (await counts('flaky'))[FAILED] === 1, { message: 'unit failed after retries' });
    const history = await client.call<'unitHistory', Array<{ data: Uint8Array | null }>>('unitHistory', {
      spec: 'flaky',
      key: 'f1',
    });
    expect(history).toHaveLength(3);
    for (const attempt of history) {
      const traceback = attempt.data && mapGet(decodeValue(attempt.data) as CborMap, 'traceback');
      expect(traceback).toMatch(/exit status 7/);
    }
  });

  it('follows a then chain from one executable spec to the next', async () => {
    const out = join(dir, 'chain.txt');
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'second', runner: CborMap.fromObject({ command: `echo "$PASSERINE_WORK_UNIT_KEY" >> ${out}` }) }),
    });
    await client.call('setWorkSpec', {
      // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
      spec: cbor({ name: 'first', then: 'second', runner: CborMap.fromObject({ command: 'true' }) }),
    });
    await addUnits('first', ['c1'], () => ({ output: CborMap.fromObject({ next1: CborMap.fromObject({}) }) }));
    await waitFor(async () => (await counts('second'))[FINISHED] === 1, { message: 'chained unit finished' });
    expect((await readFile(out, 'utf8')).trim()).toBe('next1');
  });

  it('refuses a spec whose runner is malformed, naming the field', async () => {
    await expect(
      client.call('setWorkSpec', { spec: cbor({ name: 'bad', runner: CborMap.fromObject({ cmd: 'ls' }) }) }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/runner\.cmd is not a runner field/) });
  });
});
