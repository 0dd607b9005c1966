import { ValidationError } from '@passerine/core';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** 90s, 5m, 1h30m, 2d, 250ms: written here since it is a few lines, not worth a package. */
const DURATION = /^(\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** A duration as people write it (`90s`, `5m`, `1h30m`, `2d`, `250ms`) in ms. */
export function parseDuration(text: string, flag = '--ttl'): number {
  if (!DURATION.test(text))
    throw new ValidationError(
      `${flag} ${JSON.stringify(text)} is not a duration such as 90s, 5m, 1h30m or 2d`,
    );
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNITS[unit!]!;
  if (ms <= 0) throw new ValidationError(`${flag} ${JSON.stringify(text)} is no time at all`);
  return Math.round(ms);
}

/**
 * A time: ISO 8601 (`2026-12-02T06:00:00Z`; without a zone it is the machine's local time, as
 * Date reads it) or `+DURATION` from now (`+10m`). In ms since the epoch.
 */
export function parseTime(text: string, now: number, flag = '--not-before'): number {
  if (text.startsWith('+')) return now + parseDuration(text.slice(1), flag);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new ValidationError(
      `${flag} ${JSON.stringify(text)} is not a time: give ISO 8601 (2026-12-02T06:00:00Z) or +DURATION (+10m)`,
    );
  return at;
}
