import { UnavailableError } from '@passerine/core';
import type { EventLog, LogRecord, ReadOptions } from './types.ts';

/** How long a read waits for the replica it reads from to store what the leader reported. */
export const CATCH_UP_MS = 10_000;
/** The pause before a read that ended short is taken up again. */
const RETRY_MS = 50;

export interface ReadThroughOptions extends Omit<ReadOptions, 'follow' | 'untilSeq'> {
  filter: string;
  /** A sequence the stream's leader holds on `filter` (its last, from lastSubjectSeq): read through it. */
  throughSeq: number;
  patienceMs?: number;
}

/**
 * Reads every commit on a filter up to and including one the stream's leader reported, waiting
 * for the replica the read lands on to store it.
 *
 * nats-server places a read's one-replica consumer on any replica of the stream (a follower two
 * times in three in a 3-node cluster), and a follower stores a commit after the leader has
 * acknowledged it: moments later at rest, seconds later while it catches up after a restart. A
 * plain read ends where that replica ends, so a job submitted the moment before could read as
 * never submitted, and a write fenced on the leader's sequence could be decided on a state that
 * misses commits. A read that ends short is taken up again from where it stopped; one whose
 * replica does not catch up within its patience fails as unavailable (retriable), never as absent.
 */
export async function* readThrough(log: EventLog, options: ReadThroughOptions): AsyncGenerator<LogRecord> {
  const { throughSeq, patienceMs = CATCH_UP_MS, ...read } = options;
  let next = Math.max(1, read.fromSeq ?? 1);
  const deadline = Date.now() + patienceMs;
  while (next <= throughSeq && !read.signal?.aborted) {
    for await (const record of log.read({ ...read, fromSeq: next, untilSeq: throughSeq })) {
      next = record.seq + 1;
      yield record;
    }
    if (next > throughSeq) return;
    if (Date.now() >= deadline) {
      throw new UnavailableError(
        `the event log replica read for ${read.filter} has not stored sequence ${throughSeq} within ${patienceMs} ms`,
        { filter: read.filter, throughSeq, reachedSeq: next - 1 },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * Every commit on a filter that the stream's leader holds when the read begins (readThrough up to
 * its last there). With none in the stream the read is a plain one: the filter's history may lie
 * below the stream's first sequence, in the archive.
 */
export async function* readCurrent(
  log: EventLog,
  options: Omit<ReadThroughOptions, 'throughSeq'>,
): AsyncGenerator<LogRecord> {
  const throughSeq = await log.lastSubjectSeq(options.filter);
  const { patienceMs: _, ...plain } = options;
  yield* throughSeq === 0 ? log.read(plain) : readThrough(log, { ...options, throughSeq });
}
