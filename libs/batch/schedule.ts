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

export interface DueTicks {
  /** Ticks to dispatch, oldest first. */
  due: number[];
  /** Ticks passed over under the missed policy. */
  skipped: number;
}

/**
 * Which of the ticks since `cursor` to dispatch now. A tick no older than `graceMs` is on time;
 * older ones were missed (no dispatcher ran then) and the job's policy says what becomes of them:
 * `once` runs the newest of them, `skip` none.
 */
export function dueTicks(
  schedule: Schedule,
  cursor: number,
  now: number,
  graceMs: number,
  policy: MissedPolicy = schedule.missed,
): DueTicks {
  const ticks = ticksBetween(schedule, cursor, now);
  const missed = ticks.filter((tick) => tick < now - graceMs);
  const onTime = ticks.slice(missed.length);
  if (missed.length === 0) return { due: onTime, skipped: 0 };
  if (policy === 'skip') return { due: onTime, skipped: missed.length };
  return { due: [missed[missed.length - 1], ...onTime], skipped: missed.length - 1 };
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
