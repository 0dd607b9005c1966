import { CronExpressionParser } from 'cron-parser';
import type { MissedPolicy, Schedule } from './definition.ts';

/** The reason a cron expression is refused, or undefined when cron-parser takes it. */
export function cronProblem(cron: string, timezone: string): string | undefined {
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Most ticks one call lists: a backfill or a catch-up over a longer range is refused, not run away with. */
export const MAX_TICKS = 100_000;

/** The schedule's ticks in (after, until], oldest first (ms since the epoch). */
export function ticksBetween(schedule: Schedule, after: number, until: number, max = MAX_TICKS): number[] {
  if (until <= after) return [];
  const it = CronExpressionParser.parse(schedule.cron, {
    tz: schedule.timezone,
    currentDate: new Date(after),
    endDate: new Date(until),
  });
  const ticks: number[] = [];
  while (it.hasNext() && ticks.length < max) {
    const tick = it.next().getTime();
    if (tick > after && tick <= until) ticks.push(tick);
  }
  return ticks;
}

/** Missed ticks are counted, for the log, up to this many. */
export const MAX_COUNTED_MISSED = 1_000;

export interface DueTicks {
  /** Ticks to dispatch, oldest first. */
  due: number[];
  /** Ticks passed over under the missed policy (counted up to MAX_COUNTED_MISSED). */
  skipped: number;
}

/** The schedule's newest tick before `before`, or undefined when there is none after `after`. */
function newestBefore(schedule: Schedule, before: number, after: number): number | undefined {
  const it = CronExpressionParser.parse(schedule.cron, {
    tz: schedule.timezone,
    currentDate: new Date(before),
  });
  try {
    const tick = it.prev().getTime();
    return tick > after && tick < before ? tick : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which of the ticks since `cursor` to dispatch now. A tick no older than `graceMs` is on time;
 * older ones were missed (no dispatcher ran) and the job's policy says what becomes of them:
 * `once` runs the newest of them, `skip` none. However long the downtime, only the ticks on time
 * are listed one by one.
 */
export function dueTicks(
  schedule: Schedule,
  cursor: number,
  now: number,
  graceMs: number,
  policy: MissedPolicy = schedule.missed,
): DueTicks {
  const boundary = now - graceMs;
  const onTime = ticksBetween(schedule, Math.max(cursor, boundary - 1), now);
  const newestMissed = boundary > cursor ? newestBefore(schedule, boundary, cursor) : undefined;
  if (newestMissed === undefined) return { due: onTime, skipped: 0 };
  const missed = ticksBetween(schedule, cursor, boundary - 1, MAX_COUNTED_MISSED).length;
  if (policy === 'skip') return { due: onTime, skipped: missed };
  return { due: [newestMissed, ...onTime], skipped: missed - 1 };
}

/** The tick's calendar date in the schedule's time zone (YYYY-MM-DD), the `{date}` of its run. */
export function tickDate(tick: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(tick));
}
