import type { JsonValue } from '@passerine/cbor';

/** One dead letter: work that exhausted its retries, with why its last attempt failed. */
export interface DeadLetter {
  /** The source's kind: `job`, `unit` (and whatever is added). */
  kind: string;
  /** What it is within its source: a job id, a spec and key. */
  id: string;
  /** Where it belongs: a job's user, a unit's spec. */
  scope: string;
  attempts?: number;
  lastError: string;
  /** The whole record in lossless JSON (a unit's spec and key as text or {"$bytes": …}). */
  detail: JsonValue;
}

/** Which dead letters a call is about: one job, one work spec's units, or all; at most `limit`. */
export interface DeadLetterFilter {
  job?: string;
  spec?: string;
  /** Most letters listed; absent: all of them. */
  limit?: number;
}

/**
 * A place dead letters come from. Each source lists its own and redrives them the way its kind
 * retries (a scheduler job by a new job of its failed tasks, a work unit by Coordinate's retry), so
 * another kind of work is one more source. A source a filter does not concern (a spec for jobs)
 * lists nothing.
 */
export interface DeadLetterSource {
  readonly kind: string;
  list(filter: DeadLetterFilter): Promise<DeadLetter[]>;
  /** Requeues the dead letters the filter selects; returns what was requeued, by id. */
  redrive(filter: DeadLetterFilter): Promise<string[]>;
}
