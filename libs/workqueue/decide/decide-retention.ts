import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { nameOfCanonical } from '../keys.ts';
import type { NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';
import { requireInteger } from '../validate.ts';

/**
 * Keys per tick: one commit of retired keys stays well under a message, and the timer ticks again
 * within a second while more are due.
 */
export const DEFAULT_RETENTION_LIMIT = 5_000;

/** The ended units of a spec its retention lets go now, oldest first, at most `limit`. */
export function retiringUnits(spec: WorkSpecState, now: number, limit: number): WorkUnitState[] {
  const { retention_max_age: maxAge, retention_max_count: maxCount } = spec.meta;
  if (maxAge === null && maxCount === null) return [];
  const over = maxCount === null ? 0 : Math.max(0, spec.ended.size - maxCount);
  const before = maxAge === null ? Number.NEGATIVE_INFINITY : now - maxAge * 1000;
  const out: WorkUnitState[] = [];
  for (const unit of spec.ended) {
    if (out.length >= limit) break;
    if (out.length >= over && unit.endedAt > before) break;
    out.push(unit);
  }
  return out;
}

/**
 * Timer: each spec's retention policy (age and/or count of FINISHED and FAILED units) applied. The
 * retired units leave memory; their events stay in the log (and its archive) for audit.
 */
export function decideApplyRetention(
  state: NamespaceState,
  cmd: CommandOf<'ApplyRetention'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  let left = requireInteger(cmd.limit ?? DEFAULT_RETENTION_LIMIT, 'limit', 1);
  const events: WorkQueueEvent[] = [];
  for (const spec of state.specs.values()) {
    if (left === 0) break;
    const units = retiringUnits(spec, ctx.now, left);
    if (units.length === 0) continue;
    left -= units.length;
    events.push(
      event('UnitsRetired', { spec: spec.name, at: ctx.now, keys: units.map((u) => nameOfCanonical(u.key)) }),
    );
  }
  return events;
}
