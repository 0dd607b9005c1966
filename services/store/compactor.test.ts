import { jetstreamManager } from '@nats-io/jetstream';
import { WorkQueue } from '@passerine/client';
import type { NatsConnection } from '@passerine/natsconn';
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
