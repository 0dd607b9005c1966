import { IllegalStateError } from '@passerine/core';
import { describeName, type Name } from '../keys.ts';
import type { AttemptState, WorkUnitState } from '../state.ts';

/**
 * Fencing of a lost lease. A worker whose lease ran out may come back and say it is done (a pull
 * worker keeps running while it is paused). When the unit was leased again meanwhile, that word
 * comes from an attempt that is no longer the unit's: it is refused, so that the unit's end — its
 * status and its data — comes from one attempt, the current one. When nobody took the unit after
 * the lease ran out there is no other attempt to protect, and the late finish stands as the
 * original Coordinate lets it (finish wins, see the unit's machine).
 */
export function lostLeaseError(key: Name, lost: AttemptState, current: AttemptState): IllegalStateError {
  const holder = current.workerId === '' ? '' : ` of worker '${current.workerId}'`;
  const by = lost.workerId === '' ? '' : ` of worker '${lost.workerId}'`;
  return new IllegalStateError(
    `attempt '${lost.id}'${by} lost its lease on work unit ${describeName(key)}: the unit was leased again as attempt '${current.id}'${holder} (${current.status})`,
    {
      attempt_id: lost.id,
      current_attempt_id: current.id,
      current_worker_id: current.workerId,
      current_status: current.status,
    },
  );
}

/**
 * Refuses an update from `workerId` when that worker held the unit in an earlier attempt and a
 * later one (anybody's) has taken the unit since. A worker that never held the unit is not fenced
 * here: Coordinate lets any worker or operator end a unit.
 */
export function refuseLostLease(unit: WorkUnitState, workerId: string, key: Name): void {
  const current = unit.last;
  if (!current || current.workerId === workerId) return;
  for (let attempt = current.prev; attempt; attempt = attempt.prev) {
    if (attempt.workerId === workerId) throw lostLeaseError(key, attempt, current);
  }
}
