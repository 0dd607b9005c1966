import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { compactStream, EventArchive, JetStreamEventLog, provision } from '@passerine/eventlog';
import { connectNats, type NatsConnection } from '@passerine/natsconn';
import {
  AUTHORIZATION_FILE,
  findCredential,
  generateCredentials,
  natsAuthOptions,
  type Role,
  saveCredentials,
} from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Compaction as a cluster runs it: the store's own NATS user moves history into the archive and
 * purges it from the event stream, and every read of the past still works; no other role may.
 */
describe('compaction under NATS roles', () => {
  const names = createNames('psr');
  const credentials = generateCredentials(names, ['default']);
  let dir: string;
  let server: TestServer;
  const connections: NatsConnection[] = [];
  const connectAs = async (role: Role) => {
    const nc = await connectNats({
      servers: server.url,
      timeoutMs: 3_000,
      ...natsAuthOptions(findCredential(credentials, role)!),
    });
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'passerine-compaction-roles-'));
    saveCredentials(dir, credentials, names);
    server = await startTestServer({
      authorizationFile: join(dir, AUTHORIZATION_FILE),
      probe: natsAuthOptions(findCredential(credentials, 'admin')!),
    });
    await provision(await connectAs('admin'), names);
  });

  afterAll(async () => {
    await Promise.allSettled(connections.map((nc) => nc.close()));
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("moves the store's history into the archive as the store, and reads it all back", async () => {
    const store = await connectAs('store');
    const archive = new EventArchive(store, names.archiveBucket);
    const log = new JetStreamEventLog(store, { stream: names.eventStream, archive });
    const subject = names.namespaceEvents('default');
    for (let n = 1; n <= 10; n++)
      await log.append(subject, [{ type: 'N', v: 1, time: Date.now(), id: `n-${n}`, data: { n } }]);

    // Another role may not: its purge of the event stream is refused, nothing moves.
    const frontend = await connectAs('frontend');
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
