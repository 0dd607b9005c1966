import { Kvm } from '@nats-io/kv';
import { CborMap, encodeValue } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { decode, type EventEnvelope } from '@passerine/core';
import { JetStreamEventLog, provision, type VersionAdvert } from '@passerine/eventlog';
import { createNames, type Names } from '@passerine/subjects';
import {
  projectRoot,
  spawnCli,
  startTestServer,
  type TestServer,
  uniquePrefix,
  waitFor,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A rolling upgrade on one nats-server, in real processes: store replicas of the current build
 * (WorkSpecDeleted v2) beside one that reads only v1 — the build from before the bump, which the
 * current one becomes with `PASSERINE_EVENT_VERSIONS=WorkSpecDeleted=1`.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const OLD_BUILD = { PASSERINE_EVENT_VERSIONS: 'WorkSpecDeleted=1' };
const spec = (name: string) => encodeValue(CborMap.fromObject({ name }));

describe('a store running the current build beside one a version behind', () => {
  it('writes v1 while the old replica is a member, v2 once it left; the old never meets v2, the new reads both', async () => {
    const nc = await server.connect();
    const prefix = uniquePrefix();
    const names = createNames(prefix);
    await provision(nc, names);
    const adverts = await new Kvm(nc).create(names.versionBucket, { history: 1 });
    const store = (env: NodeJS.ProcessEnv = {}) =>
      spawnCli(['serve', 'store', '--nats-url', server.url, '--prefix', prefix], projectRoot, env);
    // Watched rather than listed: the bucket's adverts as the replicas' gates see them.
    const seen = new Map<string, VersionAdvert>();
    const watch = await adverts.watch();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === 'PUT') seen.set(entry.key, decode<VersionAdvert>(entry.value));
        else seen.delete(entry.key);
      }
    })();
    /** What a replica process reads and writes of WorkSpecDeleted, by its advert (its id holds its pid). */
    const advertOf = (replica: { child: { pid?: number } }) => {
      const advert = [...seen.values()].find((a) => a.id.includes(`-${replica.child.pid}-`));
      return (
        advert && `reads v${advert.understands.WorkSpecDeleted}, writes v${advert.writes.WorkSpecDeleted}`
      );
    };
    /** Which of the specs a and b the namespace's leader holds. */
    const specs = async (client: WorkQueueClient) => {
      const held: string[] = [];
      for (const name of ['a', 'b'])
        if ((await client.call('getWorkSpec', { name })) !== null) held.push(name);
      return held;
    };

    const upgraded = store();
    const processes = [upgraded];
    try {
      const client = new WorkQueueClient(nc, names, { leaderWaitMs: 30_000 });
      await client.call('setWorkSpec', { spec: spec('a') });
      const old = store(OLD_BUILD);
      processes.push(old);
      await waitFor(() => advertOf(upgraded) === 'reads v2, writes v2', {
        message: 'the upgraded replica, alone, writes v2',
      });
      await waitFor(() => advertOf(upgraded) === 'reads v2, writes v1', {
        timeoutMs: 30_000,
        message: 'the upgraded leader writes v1 beside the old replica',
      });
      expect(advertOf(old)).toBe('reads v1, writes v1');
      await client.call('delWorkSpec', { name: 'a' });
      await client.call('setWorkSpec', { spec: spec('b') });

      // Killed, the leader saves no snapshot: the old replica takes over from what it read of the
      // log, and it leads only if it read all of it, the deletion included.
      upgraded.child.kill('SIGKILL');
      await upgraded.exited;
      expect(await specs(client)).toEqual(['b']);

      const next = store();
      processes.push(next);
      await waitFor(() => advertOf(next) === 'reads v2, writes v1', {
        timeoutMs: 30_000,
        message: 'the next upgraded replica writes v1 beside the old one',
      });
      // Gone without a word: its advert ages out, then the upgraded replica writes v2.
      old.child.kill('SIGKILL');
      await old.exited;
      await waitFor(() => advertOf(next) === 'reads v2, writes v2', {
        timeoutMs: 30_000,
        message: 'the upgraded replica writes v2 once the old one left',
      });
      // Led by the upgraded replica now, from the log: it replayed v1 and writes v2.
      expect(await specs(client)).toEqual(['b']);
      await client.call('delWorkSpec', { name: 'b' });
      expect(await specs(client)).toEqual([]);

      expect(await deletions(nc, names)).toEqual([
        [1, { name: 'a', at: expect.any(Number) }],
        [2, { spec: 'b', at: expect.any(Number) }],
      ]);
      expect(old.output()).not.toMatch(/newer than this build/);
    } finally {
      watch.stop();
      for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, 150_000);
});

async function deletions(nc: Awaited<ReturnType<TestServer['connect']>>, names: Names) {
  const found: Array<[number, unknown]> = [];
  const log = new JetStreamEventLog(nc, { stream: names.eventStream });
  for await (const record of log.read({ filter: names.namespaceFilter('default') })) {
    if (record.kind !== 'commit') continue;
    for (const e of record.events as EventEnvelope[])
      if (e.type === 'WorkSpecDeleted') found.push([e.v, e.data]);
  }
  return found;
}
