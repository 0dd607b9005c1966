import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { nameOfCanonical } from '../keys.ts';
import type { NamespaceState } from '../state.ts';
import { requireInteger } from '../validate.ts';
import { stillExpiring } from '../evolve/unit-moves.ts';
import { expiredAttempts } from './decide-workers.ts';

/** Bounded so one tick stays one reasonable commit; the timer calls again while work remains. */
export const DEFAULT_TICK_LIMIT = 10_000;

export function decideExpireLeases(
  state: NamespaceState,
  cmd: CommandOf<'ExpireLeases'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const limit = requireInteger(cmd.limit ?? DEFAULT_TICK_LIMIT, 'limit', 1);
  const due = state.leases.peekFirst(limit, (a) => a.expiresAt <= ctx.now);
  if (due.length === 0) return [];
  return [event('AttemptsExpired', { at: ctx.now, reason: 'lease', attempts: expiredAttempts(state, due) })];
}

/**
 * AVAILABLE units whose time to live is over expire (recorded, never silently dropped). Entries of
 * units that were taken or re-added since are due too: the event clears them from the index.
 */
export function decideExpireUnits(
  state: NamespaceState,
  cmd: CommandOf<'ExpireUnits'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const limit = requireInteger(cmd.limit ?? DEFAULT_TICK_LIMIT, 'limit', 1);
  const due = state.expiring.peekWhile((entry) => entry.at <= ctx.now, limit);
  if (due.length === 0) return [];
  const units = due
    .filter((entry) => stillExpiring(state, entry))
    .flatMap(({ unit }) => {
      const spec = state.specs.get(unit.specId);
      return spec ? [{ spec: spec.name, key: nameOfCanonical(unit.key) }] : [];
    });
  return [event('UnitsExpired', { at: ctx.now, units })];
}

export function decideReleaseDelayedUnits(
  state: NamespaceState,
  cmd: CommandOf<'ReleaseDelayedUnits'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const limit = requireInteger(cmd.limit ?? DEFAULT_TICK_LIMIT, 'limit', 1);
  const due = state.delayed.peekFirst(limit, (u) => u.availableAt <= ctx.now);
  const units = due.flatMap((u) => {
    const spec = state.specs.get(u.specId);
    return spec ? [{ spec: spec.name, key: nameOfCanonical(u.key) }] : [];
  });
  return units.length === 0 ? [] : [event('UnitsReleased', { at: ctx.now, units })];
}
