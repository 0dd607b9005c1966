import type { NatsConnection } from '@nats-io/transport-node';
import { silentLogger } from '@passerine/core';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyBudgets } from './index.ts';

let server: TestServer;
let connections: NatsConnection[];
beforeAll(async () => {
  server = await startTestServer();
  connections = [await server.connect(), await server.connect()];
});
afterAll(async () => {
  for (const nc of connections ?? []) await nc.close();
  await server?.stop();
});

describe('key budgets in a KV bucket', () => {
  it('never grants more holds than the limit to takers on two connections racing', async () => {
    const bucket = createNames(uniquePrefix()).keyLimitBucket;
    const budgets = connections.map(
      (nc) => new KeyBudgets({ nc, bucket, leaseMs: 60_000, now: () => Date.now(), logger: silentLogger() }),
    );
    const granted = await Promise.all(
      Array.from({ length: 40 }, (_, i) => budgets[i % 2].take('tenant-a', { running: 3 }, `h${i}`, 0)),
    );
    expect(granted.filter(Boolean)).toHaveLength(3);
    expect(await budgets[0].holds('tenant-a')).toHaveLength(3);
    const holder = granted.findIndex(Boolean);
    await budgets[1].release('tenant-a', [`h${holder}`]);
    expect(await budgets[0].take('tenant-a', { running: 3 }, 'late', 0)).toBe(true);
    expect(await budgets[1].take('tenant-a', { running: 3 }, 'later', 0)).toBe(false);
  });

  it("waits for room, and a dead holder's holds come back once their lease lapses", async () => {
    const bucket = createNames(uniquePrefix()).keyLimitBucket;
    let now = 1_000_000;
    const make = (nc: NatsConnection) =>
      new KeyBudgets({ nc, bucket, leaseMs: 300, now: () => now, logger: silentLogger() });
    const dead = make(connections[0]);
    expect(await dead.take('api', { running: 1 }, 'gone', 0)).toBe(true);
    const alive = make(connections[1]);
    expect(await alive.take('api', { running: 1 }, 'next', 0)).toBe(false);
    // Nobody renews the dead holder's hold; a taker waiting for room gets it once it lapses.
    const waiting = alive.take('api', { running: 1 }, 'next', 30_000);
    now += 300;
    expect(await waiting).toBe(true);
    expect(await alive.holds('api')).toEqual(['next']);
  });

  it('keeps a renewed hold past its first lease', async () => {
    const bucket = createNames(uniquePrefix()).keyLimitBucket;
    let now = 1_000_000;
    const budgets = new KeyBudgets({
      nc: connections[0],
      bucket,
      leaseMs: 300,
      now: () => now,
      logger: silentLogger(),
    });
    expect(await budgets.take('k', { running: 1 }, 'renewed', 0)).toBe(true);
    for (let i = 0; i < 5; i++) {
      now += 200;
      await budgets.renew('k', ['renewed']);
    }
    expect(await budgets.holds('k')).toEqual(['renewed']);
    now += 300;
    expect(await budgets.holds('k')).toEqual([]);
  });

  it('limits starts per second across takers, whatever their holds', async () => {
    const bucket = createNames(uniquePrefix()).keyLimitBucket;
    let now = 1_000_000;
    const budgets = connections.map(
      (nc) => new KeyBudgets({ nc, bucket, leaseMs: 60_000, now: () => now, logger: silentLogger() }),
    );
    const limit = { perSecond: 3 };
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) => budgets[i % 2].take('api', limit, `a${i}`, 0)),
    );
    expect(first.filter(Boolean)).toHaveLength(3);
    now += 999;
    expect(await budgets[0].take('api', limit, 'early', 0)).toBe(false);
    now += 1;
    expect(await budgets[1].take('api', limit, 'next-second', 0)).toBe(true);
  });
});
