import { ValidationError } from '@passerine/core';

/** How far ahead a not-before or expiry may be set: a year, so a typo in units is caught. */
export const MAX_JOB_DELAY_MS = 366 * 24 * 3600_000;

export interface JobTimes {
  notBefore?: number;
  expiresAt?: number;
}

function time(value: unknown, field: string, now: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(`${field} must be a time in ms since the epoch`, { field, value });
  if (value > now + MAX_JOB_DELAY_MS)
    throw new ValidationError(`${field} is more than a year ahead (${new Date(value).toISOString()})`, {
      field,
      value,
    });
  return value;
}

/**
 * A job's not-before time and the end of its time to live, as absolute times. A not-before in the
 * past runs now (it is dropped); a time to live is counted from the submit; one already passed, or
 * ending before the not-before, is refused: the job would never run.
 */
export function jobTimesOf(
  input: { notBefore?: unknown; ttlMs?: unknown; expiresAt?: unknown },
  now: number,
): JobTimes {
  const out: JobTimes = {};
  if (input.notBefore !== undefined) {
    const notBefore = time(input.notBefore, 'notBefore', now);
    if (notBefore > now) out.notBefore = notBefore;
  }
  if (input.ttlMs !== undefined && input.expiresAt !== undefined)
    throw new ValidationError('give ttlMs or expiresAt, not both', { field: 'ttlMs' });
  if (input.ttlMs !== undefined) {
    const ttl = input.ttlMs;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)
      throw new ValidationError('ttlMs must be a number of ms > 0: a time to live already passed', {
        field: 'ttlMs',
        value: ttl,
      });
    out.expiresAt = time(now + ttl, 'ttlMs', now);
  }
  if (input.expiresAt !== undefined) {
    const expiresAt = time(input.expiresAt, 'expiresAt', now);
    if (expiresAt <= now)
      throw new ValidationError(
        `expiresAt ${new Date(expiresAt).toISOString()} has already passed; the job would never run`,
        { field: 'expiresAt', value: expiresAt },
      );
    out.expiresAt = expiresAt;
  }
  if (out.expiresAt !== undefined && out.notBefore !== undefined && out.expiresAt <= out.notBefore)
    throw new ValidationError(
      `the time to live ends at ${new Date(out.expiresAt).toISOString()}, not after the not-before ${new Date(out.notBefore).toISOString()}; the job would never run`,
      { field: input.ttlMs !== undefined ? 'ttlMs' : 'expiresAt' },
    );
  return out;
}
