import { jetstreamManager } from '@nats-io/jetstream';
import { WorkQueue } from '@passerine/client';
import { decode } from '@passerine/core';
import { SnapshotStore } from '@passerine/eventlog';
import { LocalRpc, type NatsConnection } from '@passerine/natsconn';
import type * as wq from '@passerine/workqueue';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStore } from './test-store.ts';

let server: TestServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect();
});
afterAll(async () => server?.stop());

describe('compaction under sustained load', () => {
  it("asks a large namespace for a snapshot before its own threshold, so the stream's history can leave it", async () => {
    // A threshold of 300 events (the namespace's units) and a floor of 20: the cycles below write
    // fewer than 300 events, so without compaction's request no snapshot would cover them.
    const { names, store } = await startStore(nc, { snapshotEvery: 20, compactAboveBytes: 1 });
    try {
      const queue = new WorkQueue(nc, names);
      await queue.setWorkSpec({ name: 's' });
      await queue.addWorkUnits(
        's',
        Array.from({ length: 300 }, (_, i) => ({ key: `u${i}`, data: { i } })),
      );
      for (let i = 0; i < 40; i++) {
        const [unit] = await queue.getWork('w1', { specs: ['s'] });
        await queue.finishAttempt(unit.attemptId);
      }
      const jsm = await jetstreamManager(nc);
      const before = (await jsm.streams.info(names.eventStream)).state.first_seq;
      const after = await waitFor(
        async () => {
          await store.compactor.check();
          const first = (await jsm.streams.info(names.eventStream)).state.first_seq;
          return first > before ? first : null;
        },
        { timeoutMs: 15_000, message: 'the stream compacted' },
      );
      expect(after).toBeGreaterThan(before);
      // What stayed is served as before.
      expect((await queue.getWork('w1', { specs: ['s'] })).length).toBe(1);
    } finally {
      await store.stop();
    }
  });
});

describe('a snapshot of a large namespace', () => {
  it('copies in steps while operations wait, so the pair of sequence and state stays consistent', async () => {
    // Calls served in this process, as passerine up's gateway makes them: one sent while the copy
    // yields is handled between its steps unless it waits.
    const local = new LocalRpc();
    const { names, store, client } = await startStore(nc, { snapshotUnitsPerStep: 10, local });
    try {
      const queue = new WorkQueue(nc, names);
      await queue.setWorkSpec({ name: 's' });
      // The unit get_work takes is the last one the copy reaches.
      await queue.addWorkUnits(
        's',
        Array.from({ length: 200 }, (_, i) => ({ key: `u${i}`, data: { i }, priority: i === 199 ? 10 : 0 })),
      );
      const partition = await waitFor(() => {
        const p = store.partitions.get('default');
        return p?.role === 'leader' ? p : null;
      });
      const jsm = await jetstreamManager(nc);
      const before = (await jsm.streams.info(names.eventStream)).state.last_seq;
      // The copy takes 20 steps; a get_work sent as it starts is answered after it, not into it.
      const snapshot = partition.snapshots.maybe(true);
      const taken = client.call<'getWork', unknown[]>('getWork', { workerId: 'w1', maxJobs: 1 } as never);
      await snapshot;
      expect((await taken).length).toBe(1);
      const snapshots = new SnapshotStore(nc, names.snapshotBucket);
      const [point] = (await snapshots.points()).filter((p) => p.projection.startsWith('workqueue-'));
      expect(point.seq).toBe(before);
      const saved = decode((await snapshots.load(point.projection))!.data) as wq.NamespaceSnapshot;
      expect(saved.specs[0].units.key).toHaveLength(200);
      expect(saved.specs[0].attempts.id).toEqual([]);
      expect(partition.role).toBe('leader');
    } finally {
      await store.stop();
    }
  });

  it('is taken while appends are in flight: it waits for them, and covers them', async () => {
    const local = new LocalRpc();
    const { names, store, client } = await startStore(nc, { local });
    try {
      const queue = new WorkQueue(nc, names);
      await queue.setWorkSpec({ name: 's' });
      await queue.addWorkUnits('s', [{ key: 'u0', data: {} }]);
      const partition = await waitFor(() => {
        const p = store.partitions.get('default');
        return p?.role === 'leader' ? p : null;
      });
      // Decided now, appended meanwhile: the snapshot starts with its append in flight.
      const taken = client.call<'getWork', unknown[]>('getWork', { workerId: 'w1', maxJobs: 1 } as never);
      await Promise.resolve();
      await partition.snapshots.maybe(true);
      expect((await taken).length).toBe(1);
      const jsm = await jetstreamManager(nc);
      const last = (await jsm.streams.info(names.eventStream)).state.last_seq;
      const snapshots = new SnapshotStore(nc, names.snapshotBucket);
      const [point] = (await snapshots.points()).filter((p) => p.projection.startsWith('workqueue-'));
      expect(point.seq).toBe(last);
      const saved = decode((await snapshots.load(point.projection))!.data) as wq.NamespaceSnapshot;
      expect(saved.specs[0].attempts.id).toHaveLength(1);
    } finally {
      await store.stop();
    }
  });
});
