import { CborMap, encodeValue } from '@passerine/cbor';
import { JetStreamEventLog } from '@passerine/eventlog';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStore } from '@passerine/store/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const empty = encodeValue(new CborMap());

/** Event types appended to a namespace so far. */
async function eventTypes(log: JetStreamEventLog, filter: string): Promise<string[]> {
  const types: string[] = [];
  for await (const record of log.read({ filter }))
    if (record.kind === 'commit') types.push(...record.events.map((e) => e.type));
  return types;
}

describe('expiry is driven by the clock', () => {
  it('returns a unit whose lease ran out to available without anyone asking', async () => {
    const nc = await server.connect();
    const { client, store, names } = await startStore(nc);
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    await client.call('setWorkSpec', { spec: encodeValue(CborMap.fromObject({ name: 'lease' })) });
    await client.call('addWorkUnits', { spec: 'lease', units: [{ key: 'k', data: empty }] });
    const [work] = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
      workerId: 'w',
      leaseSeconds: 1,
    });
    expect(work).toBeDefined();
    // Nobody calls the store now: the expiry must come from its own timer.
    await waitFor(
      async () => (await eventTypes(log, names.namespaceFilter('default'))).includes('AttemptsExpired'),
      {
        timeoutMs: 5_000,
        message: 'the lease to expire',
      },
    );
    expect(await client.call('countWorkUnits', { spec: 'lease' })).toEqual({ 1: 1 });
    await expect(client.call('finishAttempt', { attemptId: work.attempt_id })).rejects.toThrow();
    const again = await client.call<'getWork', unknown[]>('getWork', { workerId: 'w2' });
    expect(again).toHaveLength(1);
    await store.stop();
  });

  it('expires a worker that stops heartbeating, and its attempts with it', async () => {
    const nc = await server.connect();
    const { client, store } = await startStore(nc);
    await client.call('setWorkSpec', { spec: encodeValue(CborMap.fromObject({ name: 'w' })) });
    await client.call('addWorkUnits', { spec: 'w', units: [{ key: 'k', data: empty }] });
    await client.call('workerHeartbeat', { workerId: 'gone', mode: 'RUN', expireSeconds: 1 });
    await client.call('getWork', { workerId: 'gone', leaseSeconds: 300 });
    expect(await client.call('countWorkUnits', { spec: 'w' })).toEqual({ 3: 1 });
    await waitFor(
      async () =>
        (await client.call<'workerStats', { num_workers: number }>('workerStats', {})).num_workers === 0,
      {
        timeoutMs: 5_000,
        message: 'the worker to expire',
      },
    );
    expect(await client.call('countWorkUnits', { spec: 'w' })).toEqual({ 1: 1 });
    await store.stop();
  });
});
