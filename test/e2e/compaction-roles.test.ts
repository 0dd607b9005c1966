import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { compactStream, EventArchive, JetStreamEventLog, provision } from '@passerine/eventlog';
import { startRoleServer } from '@passerine/security/testing';
import { createNames } from '@passerine/subjects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Compaction as a cluster runs it: the store's own NATS user moves history into the archive and
 * purges it from the event stream, and every read of the past still works; no other role may.
 */
describe('compaction under NATS roles', () => {
  const names = createNames('psr');
  let roles: Awaited<ReturnType<typeof startRoleServer>>;

  beforeAll(async () => {
    roles = await startRoleServer(names, ['default']);
    await provision(await roles.connectAs('admin'), names);
  });

  afterAll(async () => roles?.stop());

  it("moves the store's history into the archive as the store, and reads it all back", async () => {
    const store = await roles.connectAs('store');
    const archive = new EventArchive(store, names.archiveBucket);
    const log = new JetStreamEventLog(store, { stream: names.eventStream, archive });
    const subject = names.namespaceEvents('default');
    for (let n = 1; n <= 10; n++)
      await log.append(subject, [{ type: 'N', v: 1, time: Date.now(), id: `n-${n}`, data: { n } }]);

    // Another role may not: its purge of the event stream is refused, nothing moves.
    const frontend = await roles.connectAs('frontend');
    await expect(
      compactStream({
        js: jetstream(frontend),
        jsm: await jetstreamManager(frontend, { timeout: 3_000 }),
        stream: names.eventStream,
        archive: new EventArchive(frontend, names.archiveBucket),
        belowSeq: 7,
      }),
    ).rejects.toThrow(/permission|timeout/i);

    const jsm = await jetstreamManager(store);
    const moved = await compactStream({
      js: jetstream(store),
      jsm,
      stream: names.eventStream,
      archive,
      belowSeq: 7,
    });
    expect(moved).toMatchObject({ from: 1, to: 6, commits: 6 });
    expect((await jsm.streams.info(names.eventStream)).state.first_seq).toBe(7);
    const read: number[] = [];
    for await (const record of log.read({ filter: subject })) {
      if (record.kind === 'commit') read.push((record.events[0].data as { n: number }).n);
    }
    expect(read).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
