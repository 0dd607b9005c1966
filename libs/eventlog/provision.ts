import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '@passerine/subjects';
import { ensureEventStream, type EventStreamLimits } from './stream.ts';

export interface ProvisionOptions {
  events?: EventStreamLimits;
  /** Task output is bounded by size and age (PASSERINE_LOG_MAX_BYTES, PASSERINE_LOG_MAX_AGE_MS). */
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
  // Output past its bounds makes room by dropping the oldest lines, where a full event stream
  // refuses appends: losing old output is the price of bounded logs; losing events never is.
  await ensureEventStream(jsm, names.logStream, [names.allLogs], {
    maxBytes: 256 * 1024 ** 2,
    maxAgeMs: 7 * 24 * 3600_000,
    discard: 'old',
    ...options.logs,
  });
}
