import { Kvm } from '@nats-io/kv';
import { CborMap, encodeValue } from '@passerine/cbor';
import type { EventEnvelope } from '@passerine/core';
import { JetStreamEventLog } from '@passerine/eventlog';
import { encodeToken } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import * as wq from '@passerine/workqueue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStore } from './test-store.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const spec = (name: string) => encodeValue(CborMap.fromObject({ name }));
const OLD = { eventVersions: { WorkSpecDeleted: '1' } };

async function deletions(nc: Awaited<ReturnType<TestServer['connect']>>, stream: string) {
  const found: EventEnvelope[] = [];
  for await (const record of new JetStreamEventLog(nc, { stream }).read()) {
    if (record.kind !== 'commit') continue;
    for (const e of record.events) if (e.type === 'WorkSpecDeleted') found.push(e);
  }
  return found;
}

const specNames = (state: wq.NamespaceState) => wq.listWorkSpecs(state)[0].map((s) => s.name);

describe('event versions across store replicas', () => {
  it('writes the old version while a replica that reads only it is a member, the new one after it left', async () => {
    const nc = await server.connect();
    const prefix = uniquePrefix();
    const upgraded = await startStore(nc, { prefix });
    const { client, names } = upgraded;
    await client.call('setWorkSpec', { spec: spec('a') });
    expect(upgraded.store.gate.writeVersion('WorkSpecDeleted')).toBe(2);

    const old = await startStore(nc, { prefix, ...OLD });
    await waitFor(() => upgraded.store.gate.writeVersion('WorkSpecDeleted') === 1, {
      message: 'the upgraded replica sees the old one',
    });
    expect(old.store.gate.writeVersion('WorkSpecDeleted')).toBe(1);
    await client.call('delWorkSpec', { name: 'a' });
    await client.call('setWorkSpec', { spec: spec('b') });
    const oldPartition = () => old.store.partitions.get('default');
    await waitFor(() => oldPartition() && specNames(oldPartition()!.state).join() === 'b', {
      message: 'the old replica applied the deletion',
    });
    expect(oldPartition()!.role).toBe('standby');

    await old.store.stop();
    await waitFor(() => upgraded.store.gate.writeVersion('WorkSpecDeleted') === 2, {
      message: 'the upgraded replica sees the old one gone',
    });
    await client.call('delWorkSpec', { name: 'b' });
    const written = await deletions(nc, names.eventStream);
    expect(written.map((e) => [e.v, e.data])).toEqual([
      [1, { name: 'a', at: expect.any(Number) }],
      [2, { spec: 'b', at: expect.any(Number) }],
    ]);

    // A fresh upgraded replica replays both versions into the same state.
    await client.call('setWorkSpec', { spec: spec('c') });
    const replayed = await startStore(nc, { prefix });
    await waitFor(() => replayed.store.partitions.get('default')?.state.specs.size === 1, {
      message: 'the fresh replica replayed the namespace',
    });
    expect(specNames(replayed.store.partitions.get('default')!.state)).toEqual(['c']);
    expect(replayed.store.partitions.get('default')!.state.ignoredEvents).toBe(0);
    await replayed.store.stop();
    await upgraded.store.stop();
  }, 60_000);

  it('a replica meeting an event newer than it reads stops applying that namespace and says why; the others carry on', async () => {
    const nc = await server.connect();
    const prefix = uniquePrefix();
    const upgraded = await startStore(nc, { prefix });
    await upgraded.client.call('setWorkSpec', { spec: spec('a') });
    await upgraded.client.call('delWorkSpec', { name: 'a' });

    const old = await startStore(nc, { prefix, ...OLD });
    await old.client.call('listWorkSpecs', {});
    await waitFor(() => old.store.partitions.get('default')?.role === 'outdated', {
      message: 'the old replica stops at the newer event',
    });
    expect(old.store.partitions.get('default')!.outdatedReason).toBe(
      'event WorkSpecDeleted v2 is newer than this build understands (v1): upgrade this replica',
    );
    await upgraded.client.call('setWorkSpec', { spec: spec('b') });
    expect(await upgraded.client.call('getWorkSpec', { name: 'b' })).toBeInstanceOf(Uint8Array);

    // Nor does it lead: with the upgraded replica gone and the lease free, it leaves the lease be.
    await upgraded.store.stop();
    await old.store.partitions.get('default')!.onLeaseTick();
    expect(old.store.partitions.get('default')!.role).toBe('outdated');
    const lease = await (await new Kvm(nc).open(old.names.leaderBucket)).get(encodeToken('default'));
    expect(lease?.operation === 'PUT' && lease.string() !== '').toBe(false);
    await old.store.stop();
  }, 60_000);

  it('refuses a pin of an unknown event or an impossible version before starting', async () => {
    const nc = await server.connect();
    await expect(startStore(nc, { eventVersions: { WorkSpecGone: '1' } })).rejects.toThrow(
      'no event WorkSpecGone has versions to pin (known: WorkSpecDeleted)',
    );
    await expect(startStore(nc, { eventVersions: { WorkSpecDeleted: 'one' } })).rejects.toThrow(
      'event version pin WorkSpecDeleted=one is not a whole number',
    );
    await expect(startStore(nc, { eventVersions: { WorkSpecDeleted: '3' } })).rejects.toThrow(
      'event WorkSpecDeleted can be pinned to v1 to v2, not 3',
    );
  });
});
