import type { AttemptStatus } from '../status.ts';
import { WorkUnitStatus } from '../status.ts';
import { isTextKey } from '../keys.ts';
import type { AttemptState, NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';

/**
 * The in-place moves `evolve` is made of. They keep the indexes (available heap, delayed heap,
 * lease heap, pending maps, status counters) in step with each unit and attempt; callers have
 * already checked legality against the lifecycle tables.
 */
export function newUnit(specId: string, key: string, data: string, priority: number): WorkUnitState {
  return {
    hi: -1,
    key,
    specId,
    data,
    priority,
    status: WorkUnitStatus.AVAILABLE,
    availableAt: 0,
    tries: 0,
    endedAt: 0,
    expiresAt: 0,
    traceback: null,
    last: null,
  };
}

export function insertUnit(spec: WorkSpecState, unit: WorkUnitState): void {
  spec.units.set(unit.key, unit);
  if (isTextKey(unit.key)) spec.textKeys++;
  spec.counts[WorkUnitStatus.AVAILABLE]++;
  spec.available.push(unit);
  spec.sortedKeys = null;
}

function leaveQueues(state: NamespaceState, spec: WorkSpecState, unit: WorkUnitState): void {
  if (unit.hi >= 0) {
    if (unit.availableAt > 0) state.delayed.remove(unit);
    else spec.available.remove(unit);
  }
  unit.availableAt = 0;
}

/** Moves the unit to `status`; AVAILABLE with `delayedUntil` > 0 parks it in the delayed heap. */
export function setUnitStatus(
  state: NamespaceState,
  spec: WorkSpecState,
  unit: WorkUnitState,
  status: number,
  delayedUntil = 0,
): void {
  leaveQueues(state, spec, unit);
  spec.counts[unit.status]--;
  unit.status = status;
  spec.counts[status]++;
  spec.ended.delete(unit);
  if (isEnded(status)) spec.ended.add(unit);
  if (status !== WorkUnitStatus.AVAILABLE) return;
  if (delayedUntil > 0) {
    unit.availableAt = delayedUntil;
    state.delayed.push(unit);
  } else {
    spec.available.push(unit);
  }
}

/** Gives the unit its time window from an add: parked until `notBefore`, expiring at `expiresAt`. */
export function setUnitTimes(
  state: NamespaceState,
  spec: WorkSpecState,
  unit: WorkUnitState,
  times: { notBefore?: number; expiresAt?: number },
): void {
  unit.expiresAt = times.expiresAt ?? 0;
  if (unit.expiresAt > 0) state.expiring.push({ at: unit.expiresAt, unit });
  if (times.notBefore !== undefined)
    setUnitStatus(state, spec, unit, WorkUnitStatus.AVAILABLE, times.notBefore);
}

/** An entry of `state.expiring` still stands for its unit: not taken, not re-added since. */
export function stillExpiring(state: NamespaceState, entry: { at: number; unit: WorkUnitState }): boolean {
  const { unit } = entry;
  const spec = state.specs.get(unit.specId);
  return (
    unit.status === WorkUnitStatus.AVAILABLE &&
    unit.expiresAt === entry.at &&
    spec !== undefined &&
    spec.units.get(unit.key) === unit
  );
}

export function isEnded(status: number): boolean {
  return status === WorkUnitStatus.FINISHED || status === WorkUnitStatus.FAILED;
}

export function endAttempt(
  state: NamespaceState,
  attempt: AttemptState,
  status: AttemptStatus,
  at: number,
): void {
  state.pending.delete(attempt.id);
  state.leases.remove(attempt);
  const mine = state.pendingByWorker.get(attempt.workerId);
  if (mine) {
    mine.delete(attempt);
    if (mine.size === 0) state.pendingByWorker.delete(attempt.workerId);
  }
  attempt.status = status;
  attempt.endedAt = at;
}

export function removeUnit(
  state: NamespaceState,
  spec: WorkSpecState,
  unit: WorkUnitState,
  at: number,
): void {
  const last = unit.last;
  if (last && last.status === 'pending') endAttempt(state, last, 'expired', at);
  leaveQueues(state, spec, unit);
  spec.counts[unit.status]--;
  spec.ended.delete(unit);
  spec.units.delete(unit.key);
  if (isTextKey(unit.key)) spec.textKeys--;
  spec.sortedKeys = null;
}

/** Ends every pending attempt and delayed entry of the spec; its units go with the spec. */
export function dropSpecIndexes(state: NamespaceState, spec: WorkSpecState, at: number): void {
  for (const attempt of [...state.pending.values()]) {
    if (attempt.unit.specId === spec.id) endAttempt(state, attempt, 'expired', at);
  }
  for (const unit of [...state.delayed.values()]) {
    if (unit.specId === spec.id) state.delayed.remove(unit);
  }
}
