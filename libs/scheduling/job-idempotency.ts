import { createHash } from 'node:crypto';
import { IllegalStateError } from '@passerine/core';
import type { JobSpec } from './job-spec.ts';

/** What the first submit under an idempotency key left behind, for the repeats that follow. */
export interface FirstSubmit {
  jobId: string;
  user: string;
  digest: string;
  /** When it was made (ms since the epoch). */
  at: number;
}

/** Fields that say how a submit was made rather than what it asks to run: left out of the digest. */
const NOT_CONTENT = new Set(['id', 'reply', 'idempotencyKey', 'expiresAt']);

/** Object keys in order, bytes as hex: the same job written in another key order digests the same. */
function canonical(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * What a job asks to run: tasks, user, priorities, limits, not-before. Its id is not part of it (a
 * client retrying may name a new one), nor where outcomes go (a reconnected client has a new inbox),
 * nor the end of its time to live (counted from each submit).
 */
export function digestOfJob(job: JobSpec): string {
  const content = Object.fromEntries(Object.entries(job).filter(([k]) => !NOT_CONTENT.has(k)));
  return createHash('sha256')
    .update(JSON.stringify(canonical(content)))
    .digest('hex');
}

/**
 * Judges a submit under a key already used: the first submit's job id when it is a repeat of it
 * within the window, undefined when the first is past the window (the key is free again); a submit
 * of other content is refused, naming the first.
 */
export function repeatOf(
  first: FirstSubmit,
  key: string,
  digest: string,
  now: number,
  windowMs: number,
): string | undefined {
  if (first.at <= now - windowMs) return undefined;
  if (first.digest === digest) return first.jobId;
  throw new IllegalStateError(
    `idempotency key '${key}' was first used at ${new Date(first.at).toISOString()} by user '${first.user}' to submit job ${first.jobId} with other content; refused`,
    { field: 'idempotencyKey', firstJobId: first.jobId },
  );
}
