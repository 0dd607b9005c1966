import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, type CborValue, decodeValue, encodeValue, mapGet, toJsonValue } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { createStoreService } from '@passerine/store';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingCluster, startSchedulingCluster } from './test-cluster.ts';

const cbor = (fields: Record<string, CborValue>) => encodeValue(CborMap.fromObject(fields));
const FINISHED = 4;
const FAILED = 5;

/** A scheduling cluster with a store, and a directory the commands write to. */
async function startPumpCluster() {
  const cluster = await startSchedulingCluster();
  const store = createStoreService(cluster.ctx, { leaseTtlMs: 1_000 });
  await store.start();
  const client = new WorkQueueClient(cluster.nc, cluster.names);
  const dir = await mkdtemp(join(tmpdir(), 'passerine-pump-'));
  const stop = async () => {
    await cluster.stop();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return { cluster, client, dir, stop };
}

describe('pumping executable work specs onto node monitors', () => {
  let cluster: SchedulingCluster;
  let client: WorkQueueClient;
  let stop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    ({ cluster, client, dir, stop } = await startPumpCluster());
    await cluster.addFrontend({ pump: { specRefreshMs: 100, maxIdleMs: 100, leaseSeconds: 10 } });
    await cluster.addFrontend({ pump: { specRefreshMs: 100, maxIdleMs: 100, leaseSeconds: 10 } });
    for (let i = 0; i < 3; i++) await cluster.addNode({ id: `n${i}`, slots: 2 });
    await cluster.waitForNodes(3);
  });
  afterAll(async () => {
    await stop?.();
  });

  const counts = (spec: string) =>
    client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec });
  const addUnits = (
    spec: string,
    keys: string[],
    data: (key: string) => Record<string, CborValue> = () => ({}),
  ) => client.call('addWorkUnits', { spec, units: keys.map((key) => ({ key, data: cbor(data(key)) })) });

  /** Runs one unit of a new spec with this command, waits for it to fail, and returns its traceback. */
  const failedTraceback = async (name: string, command: string) => {
    await client.call('setWorkSpec', { spec: cbor({ name, runner: CborMap.fromObject({ command }) }) });
    await addUnits(name, ['only']);
    await waitFor(async () => (await counts(name))[FAILED] === 1, { message: `${name}: unit failed` });
    const [status] = await client.call<'getWorkUnitStatus', Array<{ traceback: string }>>(
      'getWorkUnitStatus',
      { spec: name, keys: ['only'] },
    );
    return status.traceback;
  };

  it('runs the units of a spec whose runner names a key limit no more at once than the limit', async () => {
    const running = join(dir, 'capped-running');
    const seen = join(dir, 'capped-seen');
    // Each run leaves a marker while it runs and notes how many it sees (itself included).
    const command = `mkdir -p ${running}; touch ${running}/$PASSERINE_ATTEMPT_ID; ls ${running} | wc -l >> ${seen}; sleep 0.2; rm ${running}/$PASSERINE_ATTEMPT_ID`;
    await client.call('setWorkSpec', {
      spec: cbor({
        name: 'capped',
        runner: CborMap.fromObject({ command, limit: CborMap.fromObject({ key: 'api', running: 2 }) }),
      }),
    });
    await addUnits(
      'capped',
      Array.from({ length: 10 }, (_, i) => `c${i}`),
    );
    await waitFor(async () => (await counts('capped'))[FINISHED] === 10, {
      message: '10 capped units finished',
      timeoutMs: 60_000,
    });
    const counted = (await readFile(seen, 'utf8')).trim().split('\n').map(Number);
    expect(counted).toHaveLength(10);
    expect(Math.max(...counted)).toBeLessThanOrEqual(2);
  }, 90_000);

  it('runs every unit once on a node monitor and records it as the unit’s attempt', async () => {
    const out = join(dir, 'ran.txt');
    const command = `echo "$PASSERINE_WORK_UNIT_KEY $PASSERINE_WORK_UNIT_DATA" >> ${out}`;
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'echo', runner: CborMap.fromObject({ command }) }),
    });
    const keys = Array.from({ length: 20 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await addUnits('echo', keys, (key) => ({ n: Number(key.slice(1)) }));

    await waitFor(async () => (await counts('echo'))[FINISHED] === 20, { message: '20 units finished' });
    const lines = (await readFile(out, 'utf8')).trim().split('\n').sort();
    expect(lines).toEqual(keys.map((key) => `${key} {"n":${Number(key.slice(1))}}`));
    const history = await client.call<'unitHistory', Array<{ worker_id: string; status: number }>>(
      'unitHistory',
      {
        spec: 'echo',
        key: 'u07',
      },
    );
    expect(history).toHaveLength(1);
    expect(history[0].worker_id).toMatch(/\/pump$/);
  });

  it('never gives a runner’s units to a pull worker that does not name the spec', async () => {
    // A namespace no frontend pumps, so only the pull worker asks.
    const unpumped = new WorkQueueClient(cluster.nc, cluster.names, { namespace: 'unpumped' });
    await unpumped.call('setWorkSpec', {
      spec: cbor({ name: 'run', runner: CborMap.fromObject({ command: 'true' }) }),
    });
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
    expect(await failedTraceback('broken', 'echo "no such file: input.csv" >&2; exit 3')).toMatch(
      /^exit status 3: exited with code 3\nlast lines on stderr:\nno such file: input.csv$/,
    );
  });

  it('retries a failing unit up to max_retries, then fails it', async () => {
    await client.call('setWorkSpec', {
      spec: cbor({
        name: 'flaky',
        max_retries: 2,
        runner: CborMap.fromObject({ command: ['sh', '-c', 'exit 7'] }),
      }),
    });
    await addUnits('flaky', ['f1']);
    await waitFor(async () => (await counts('flaky'))[FAILED] === 1, {
      message: 'unit failed after retries',
    });
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

  it('follows a then chain with the output the command prints', async () => {
    const out = join(dir, 'chain.txt');
    await client.call('setWorkSpec', {
      spec: cbor({
        name: 'second',
        runner: CborMap.fromObject({
          command: `echo "$PASSERINE_WORK_UNIT_KEY $PASSERINE_WORK_UNIT_DATA" >> ${out}`,
        }),
      }),
    });
    const key = '"$PASSERINE_WORK_UNIT_KEY"';
    const emit = `echo working on ${key}; printf 'PASSERINE_OUTPUT={"%s-a": {"n": 1}, "%s-b": {}}\\n' ${key} ${key}`;
    await client.call('setWorkSpec', {
      // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
      spec: cbor({ name: 'first', then: 'second', runner: CborMap.fromObject({ command: emit }) }),
    });
    await addUnits('first', ['c1', 'c2']);
    await waitFor(async () => (await counts('second'))[FINISHED] === 4, {
      message: 'chained units finished',
    });
    expect((await readFile(out, 'utf8')).trim().split('\n').sort()).toEqual([
      'c1-a {"n":1}',
      'c1-b {}',
      'c2-a {"n":1}',
      'c2-b {}',
    ]);
    const [first] = await client.call<'getWorkUnits', Array<[string, Uint8Array]>>('getWorkUnits', {
      spec: 'first',
      keys: ['c1'],
    });
    expect(toJsonValue(decodeValue(first[1]))).toEqual({ output: { 'c1-a': { n: 1 }, 'c1-b': {} } });
  });

  it('fails a unit whose output line is not JSON, saying so', async () => {
    expect(await failedTraceback('garbled', 'echo "PASSERINE_OUTPUT={oops"')).toMatch(
      /exited 0 but its output was refused: PASSERINE_OUTPUT= is not followed by JSON/,
    );
  });

  it('refuses a spec whose runner is malformed, naming the field', async () => {
    await expect(
      client.call('setWorkSpec', { spec: cbor({ name: 'bad', runner: CborMap.fromObject({ cmd: 'ls' }) }) }),
    ).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/runner\.cmd is not a runner field/),
    });
  });
});

describe('a frontend that stops while its pumped units run', () => {
  let cluster: SchedulingCluster;
  let client: WorkQueueClient;
  let stop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    ({ cluster, client, dir, stop } = await startPumpCluster());
  });
  afterAll(async () => {
    await stop?.();
  });

  it('hands them back, so another frontend runs them without waiting for their leases', async () => {
    const pump = { specRefreshMs: 100, maxIdleMs: 100, leaseSeconds: 600 };
    const first = await cluster.addFrontend({ id: 'first', pump });
    await cluster.addNode({ id: 'n0', slots: 2 });
    await cluster.waitForNodes(1);
    const go = join(dir, 'go');
    // Waits for the go file; the first frontend's run never sees it.
    const command = `while [ ! -e ${go} ]; do sleep 0.05; done`;
    await client.call('setWorkSpec', {
      spec: cbor({ name: 'wait', runner: CborMap.fromObject({ command }) }),
    });
    await client.call('addWorkUnits', { spec: 'wait', units: [{ key: 'w1', data: cbor({}) }] });
    const history = () =>
      client.call<'unitHistory', Array<{ worker_id: string; status: number }>>('unitHistory', {
        spec: 'wait',
        key: 'w1',
      });
    await waitFor(async () => (await history()).length === 1, {
      message: 'the first frontend took the unit',
    });

    await first.stop();
    await writeFile(go, '');
    await cluster.addFrontend({ id: 'second', pump });
    await waitFor(
      async () =>
        (await client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec: 'wait' }))[
          FINISHED
        ] === 1,
      { message: 'the unit finished' },
    );
    // A 600 s lease: only the hand-back can have let the second frontend have it this soon.
    expect((await history()).map((attempt) => attempt.worker_id).sort()).toEqual([
      'first/pump',
      'second/pump',
    ]);
  });
});
