import { CborMap, decodeValue, encodeValue, mapGet } from '@passerine/cbor';
import { decode, encode } from '@passerine/core';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { JetStreamEventLog, SnapshotStore } from '@passerine/eventlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRpc } from '@passerine/natsconn';
import { startStore } from './test-store.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const spec = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));
const data = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));

describe('store service over NATS', () => {
  it('runs a spec, units, get_work and finish through the internal API', async () => {
    const { client, store } = await startStore(await server.connect());
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    await client.call('setWorkSpec', { spec: spec({ name: 'a', then: 'b' }) });
    await client.call('setWorkSpec', { spec: spec({ name: 'b' }) });
    await client.call('addWorkUnits', {
      spec: 'a',
      units: [
        { key: 'u1', data: data({ x: 1 }) },
        { key: new Uint8Array([0xff, 0x00]), data: data({ x: 2 }), priority: 5 },
      ],
    });
    const work = await client.call<'getWork', Array<{ work_unit_key: unknown; attempt_id: string }>>(
      'getWork',
      {
        workerId: 'w1',
        maxJobs: 1,
      },
    );
    expect(work).toHaveLength(1);
    expect([...(work[0].work_unit_key as Uint8Array)]).toEqual([0xff, 0x00]);
    await client.call('updateWorkUnit', {
      spec: 'a',
      key: new Uint8Array([0xff, 0x00]),
      status: 4,
      data: data({ output: CborMap.fromObject({ next1: CborMap.fromObject({}) }) }),
    });
    expect(await client.call('countWorkUnits', { spec: 'a' })).toEqual({ 1: 1, 4: 1 });
    expect(await client.call('countWorkUnits', { spec: 'b' })).toEqual({ 1: 1 });
    const stored = decodeValue((await client.call('getWorkSpec', { name: 'a' })) as Uint8Array) as CborMap;
    expect(mapGet(stored, 'then')).toBe('b');
    await store.stop();
  });

  it('answers bad input with an error naming the field, and unknown specs like Coordinate', async () => {
    const { client, store } = await startStore(await server.connect());
    await expect(client.call('addWorkUnits', { spec: 'nope', units: [] })).rejects.toThrow(
      /no such work_spec/,
    );
    await expect(client.call('getWork', { workerId: '' } as never)).rejects.toThrow(/getWork: workerId/);
    await expect(client.call('getWorkSpec', { name: 'missing' })).resolves.toBeNull();
    await store.stop();
  });
});

describe('store snapshots', () => {
  it('snapshots on a clean stop, and a new replica restores it plus the tail', async () => {
    const nc = await server.connect();
    const first = await startStore(nc);
    const units = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, data: data({ i: from + i }) }));
    await first.client.call('setWorkSpec', { spec: spec({ name: 's' }) });
    await first.client.call('addWorkUnits', { spec: 's', units: units(0, 10) });
    await first.store.stop();

    const snapshots = new SnapshotStore(nc, first.names.snapshotBucket);
    const log = new JetStreamEventLog(nc, { stream: first.names.eventStream });
    const snap = await snapshots.load(
      `workqueue-${first.names.namespaceEvents('default')}`.replace(/[^A-Za-z0-9_-]/g, '_'),
    );
    expect(snap?.seq).toBe(await log.lastSubjectSeq(first.names.namespaceEvents('default')));

    const second = await startStore(nc, { prefix: first.names.prefix });
    await second.client.call('addWorkUnits', { spec: 's', units: units(10, 5) });
    expect(await second.client.call('countWorkUnits', { spec: 's' })).toEqual({ 1: 15 });
    await second.store.stop();
    const third = await startStore(nc, { prefix: first.names.prefix });
    expect(await third.client.call('countWorkUnits', { spec: 's' })).toEqual({ 1: 15 });
    await third.store.stop();
  });

  it('replays the whole log when the snapshot is of a version it does not read', async () => {
    const nc = await server.connect();
    const first = await startStore(nc);
    await first.client.call('setWorkSpec', { spec: spec({ name: 's' }) });
    await first.client.call('addWorkUnits', { spec: 's', units: [{ key: 'a', data: data({}) }] });
    await first.store.stop();
    const snapshots = new SnapshotStore(nc, first.names.snapshotBucket);
    const name = `workqueue-${first.names.namespaceEvents('default')}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const snap = (await snapshots.load(name))!;
    const older = { ...(decode(snap.data) as Record<string, unknown>), version: 2 };
    await snapshots.save(name, snap.seq, encode(older));

    const second = await startStore(nc, { prefix: first.names.prefix });
    expect(await second.client.call('countWorkUnits', { spec: 's' })).toEqual({ 1: 1 });
    await second.store.stop();
  });
});

describe('store service and local calls', () => {
  it('serves local calls while it leads, with the errors NATS would carry, and stops when it stops', async () => {
    const local = new LocalRpc();
    const { client, store, names } = await startStore(await server.connect(), { local });
    await client.call('setWorkSpec', { spec: spec({ name: 'here' }) });
    const subject = names.workQueueRpc('default', 'getWork');
    expect(local.serves(subject)).toBe(true);
    await expect(client.call('getWork', { workerId: '', maxJobs: 0 } as never)).rejects.toMatchObject({
      code: 'validation',
    });
    await store.stop();
    expect(local.serves(subject)).toBe(false);
  });
});
