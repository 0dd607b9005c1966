import { Kvm } from '@nats-io/kv';
import { CborMap, encodeValue } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { PasserineError } from '@passerine/core';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import { createNames, encodeToken } from '@passerine/subjects';
import {
  projectRoot,
  spawnCli,
  startTestServer,
  type TestServer,
  uniquePrefix,
  waitFor,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const UNITS = 1500;
const WORKERS = 20;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('store leader failover under load', () => {
  it('kills the leader process mid-run: a standby takes over and every unit is finished exactly once', async () => {
    const prefix = uniquePrefix();
    const names = createNames(prefix);
    const nc = await server.connect();
    await provision(nc, names);
    const stores = [0, 1].map(() =>
      spawnCli(['serve', 'store', '--nats-url', server.url, '--prefix', prefix], projectRoot),
    );
    try {
      const client = new WorkQueueClient(nc, names, { leaderWaitMs: 30_000 });
      await client.call('setWorkSpec', { spec: encodeValue(CborMap.fromObject({ name: 'jobs' })) });
      const data = encodeValue(CborMap.fromObject({}));
      for (let i = 0; i < UNITS; i += 500) {
        const units = Array.from({ length: 500 }, (_, j) => ({
          key: `u${String(i + j).padStart(5, '0')}`,
          data,
        }));
        await client.call('addWorkUnits', { spec: 'jobs', units });
      }

      let finished = 0;
      let done = false;
      const workers = Array.from({ length: WORKERS }, async (_, w) => {
        while (!done) {
          try {
            const work = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
              workerId: `w${w}`,
              maxJobs: 5,
              leaseSeconds: 3,
            });
            if (work.length === 0) {
              await new Promise((r) => setTimeout(r, 50));
              continue;
            }
            for (const item of work) {
              await client.call('finishAttempt', { attemptId: item.attempt_id });
              finished++;
            }
          } catch (err) {
            // During the failover a call can time out or find its attempt gone; the unit comes back.
            if (!(err instanceof PasserineError)) throw err;
          }
        }
      });

      await waitFor(() => finished > UNITS / 3, {
        timeoutMs: 60_000,
        message: 'a third of the units finished',
      });
      const leases = await new Kvm(nc).open(names.leaderBucket);
      const holder = (await leases.get(encodeToken('default')))!.string();
      const leaderPid = Number(/-(\d+)-[^-]+$/.exec(holder)![1]);
      const leader = stores.find((s) => s.child.pid === leaderPid)!;
      expect(leader).toBeDefined();
      leader.child.kill('SIGKILL');

      await waitFor(
        async () => {
          const counts = await client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', {
            spec: 'jobs',
          });
          return counts[4] === UNITS;
        },
        { timeoutMs: 90_000, intervalMs: 200, message: 'every unit finished after the failover' },
      );
      done = true;
      await Promise.all(workers);

      // The log is the judge: each unit finished exactly once, no attempt id started twice.
      const log = new JetStreamEventLog(nc, { stream: names.eventStream });
      const finishedTimes = new Map<string, number>();
      const attemptIds = new Set<string>();
      const keyOfAttempt = new Map<string, string>();
      let leaders = 0;
      for await (const record of log.read({ filter: names.namespaceFilter('default') })) {
        if (record.kind !== 'commit') continue;
        for (const e of record.events) {
          const d = e.data as Record<string, unknown>;
          if (e.type === 'StoreLeaderElected') leaders++;
          if (e.type === 'AttemptsStarted') {
            for (const a of d.attempts as Array<{ id: string; key: string }>) {
              expect(attemptIds.has(a.id)).toBe(false);
              attemptIds.add(a.id);
              keyOfAttempt.set(a.id, a.key);
            }
          }
          if (e.type === 'AttemptFinished') {
            const key = d.key as string;
            finishedTimes.set(key, (finishedTimes.get(key) ?? 0) + 1);
          }
        }
      }
      expect(leaders).toBeGreaterThanOrEqual(2);
      expect(finishedTimes.size).toBe(UNITS);
      expect([...finishedTimes.values()].every((n) => n === 1)).toBe(true);
    } finally {
      for (const s of stores) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 180_000);
});
