import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  connectNats,
  type NatsConnection,
  type NatsServerHandle,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { projectRoot } from '@passerine/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCommit, ensureEventStream, JetStreamEventLog } from './index.ts';
import { ev } from './test-events.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function server(dir: string, options: { port?: number; writeDeadline?: string } = {}) {
  let base = await readFile(join(projectRoot, 'nats.conf'), 'utf8');
  if (options.writeDeadline)
    base = base.replace(/^write_deadline:.*$/m, `write_deadline: "${options.writeDeadline}"`);
  const handle = await startNatsServer({ dir, baseConfig: base, serverName: 'reads', port: options.port });
  cleanups.push(() => handle.stop());
  return handle;
}

async function connected(handle: NatsServerHandle): Promise<NatsConnection> {
  const nc = await connectNats({ servers: handle.url });
  cleanups.push(() => nc.close());
  await waitForJetStream(nc);
  return nc;
}

async function storeDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-reads-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('a read of the event log', () => {
  it('keeps its connection while the reader spends long on each commit', async () => {
    // nats-server cuts a client that does not take what it is sent within its write deadline.
    // nats.js hands a reader the commits it has without ever reading its socket in between, so a
    // reader that applies 64 large commits slowly read nothing for all that time (see IO_TURN_MS).
    const handle = await server(await storeDir(), { writeDeadline: '1s' });
    const nc = await connected(handle);
    await ensureEventStream(await jetstreamManager(nc), 'BIG', ['big.>']);
    const log = new JetStreamEventLog(nc, { stream: 'BIG' });
    const commit = encodeCommit([ev('Added', 'u'.repeat(400_000))]);
    for (let i = 0; i < 80; i++) await log.appendEncoded('big.units', commit);

    const connection: string[] = [];
    void (async () => {
      for await (const status of nc.status()) if (status.type !== 'ping') connection.push(status.type);
    })();
    let read = 0;
    for await (const record of log.read({})) {
      expect(record.kind).toBe('commit');
      busyFor(50);
      read++;
    }
    expect(read).toBe(80);
    expect(connection, 'the connection dropped').toEqual([]);
  });

  it('goes on past a server restart that lost its consumer', async () => {
    // The read's consumer lives in the server's memory. nats.js makes a new one after the restart
    // and asks it for nothing, which stood still until two missed heartbeats (45 s, past this
    // test's time limit); the read opens its own consumer at the next sequence instead.
    const dir = await storeDir();
    let handle = await server(dir);
    const nc = await connected(handle);
    await ensureEventStream(await jetstreamManager(nc), 'RS', ['rs.>']);
    const log = new JetStreamEventLog(nc, { stream: 'RS' });
    for (let i = 0; i < 300; i++) await log.append('rs.a', [ev('Added', i)]);

    const seqs: number[] = [];
    for await (const record of log.read({})) {
      seqs.push(record.seq);
      if (seqs.length === 10) {
        const port = handle.port;
        await handle.stop();
        handle = await server(dir, { port });
        await waitForJetStream(nc);
      }
    }
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});
