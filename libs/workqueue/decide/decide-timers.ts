import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { nameOfCanonical } from '../keys.ts';
import { EMPTY_CBOR_MAP } from '../opaque-bytes.ts';
import type { NamespaceState } from '../state.ts';
import { requireInteger } from '../validate.ts';
import { continuousKey, isContinuousDue } from './continuous.ts';
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

export function decideGenerateContinuousUnits(state: NamespaceState, ctx: DecideContext): WorkQueueEvent[] {
  const events: WorkQueueEvent[] = [];
  for (const spec of state.specs.values()) {
    if (!isContinuousDue(spec, ctx.now)) continue;
    events.push(
      event('WorkUnitsAdded', {
        spec: spec.name,
        at: ctx.now,
        continuous: true,
        units: [{ key: continuousKey(spec, ctx.now), data: EMPTY_CBOR_MAP, priority: -1 }],
      }),
    );
  }
  return events;
}
