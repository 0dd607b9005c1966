import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface EventStreamLimits {
  /** Largest size of the stream on disk; older commits are NOT dropped: writes fail instead. */
  maxBytes?: number;
  /** Oldest commit kept (ms); 0 keeps forever. */
  maxAgeMs?: number;
  /** Copies in a cluster (1 on a single server, 3 in a cluster). */
  replicas?: number;
  /** How long message ids are remembered for idempotent appends (ms). */
  duplicateWindowMs?: number;
  /** What a full stream does: refuse appends (`new`, the event log's), or forget the oldest (`old`). */
  discard?: 'new' | 'old';
}

export const defaultEventStreamLimits: Required<EventStreamLimits> = {
  maxBytes: 1024 ** 3,
  maxAgeMs: 0,
  replicas: 1,
  duplicateWindowMs: 2 * 60_000,
  discard: 'new',
};

/**
 * Creates the event stream or brings its limits up to date. Discard policy `new` makes a full
 * stream refuse appends loudly rather than silently forget history.
 */
export async function ensureEventStream(
  jsm: JetStreamManager,
  name: string,
  subjects: string[],
  limits: EventStreamLimits = {},
): Promise<void> {
  const l = { ...defaultEventStreamLimits, ...limits };
  const config: Partial<StreamConfig> & { name: string } = {
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_bytes: l.maxBytes,
    max_age: nanos(l.maxAgeMs),
    num_replicas: l.replicas,
    duplicate_window: nanos(l.duplicateWindowMs),
    discard: l.discard as StreamConfig['discard'],
    allow_direct: true,
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add(config);
  }
}
