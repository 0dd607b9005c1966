import { jetstreamManager } from '@nats-io/jetstream';
import type { TestServer } from '@passerine/test-support';
import { uniquePrefix } from '@passerine/test-support';
import { JetStreamEventLog } from './jetstream-log.ts';
import { ensureEventStream } from './stream.ts';

/** A fresh stream with its own prefix on a test server. */
export async function freshLog(server: TestServer) {
  const prefix = uniquePrefix();
  const nc = await server.connect();
  const stream = prefix.toUpperCase();
  await ensureEventStream(await jetstreamManager(nc), stream, [`${prefix}.>`]);
  return {
    nc,
    prefix,
    stream,
    log: new JetStreamEventLog(nc, { stream }),
    subject: (s: string) => `${prefix}.${s}`,
  };
}
