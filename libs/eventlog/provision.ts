import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '@passerine/subjects';
import { ensureEventStream, type EventStreamLimits } from './stream.ts';

export interface ProvisionOptions {
  events?: EventStreamLimits;
  /** Task output is bounded harder than events: it is useful, not the truth. */
  logs?: EventStreamLimits;
}

/**
 * Creates (or brings up to date) the streams every service relies on: the event log's, and the one
 * of task output lines. `passerine up` runs it before the services start; so do test beds and benches.
 */
export async function provision(
  nc: NatsConnection,
  names: Names,
  options: ProvisionOptions = {},
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await ensureEventStream(jsm, names.eventStream, [names.allEvents], options.events);
  await ensureEventStream(jsm, names.logStream, [names.allJobLogs], {
    maxBytes: 256 * 1024 ** 2,
    maxAgeMs: 7 * 24 * 3600_000,
    ...options.logs,
  });
}
