import type { WorkQueueEventData } from '../events.ts';
import { findSpec, findUnit } from '../lookup.ts';
import { nextAttemptStatus, nextUnitStatus } from '../lifecycle/tables.ts';
import { packBytes } from '../opaque-bytes.ts';
import type { AttemptState, NamespaceState, WorkSpecState } from '../state.ts';
import type { AttemptStatus } from '../status.ts';
import { endAttempt, setUnitStatus } from './unit-moves.ts';

/** Each returns false when (part of) the event referred to something no longer there. */
export function applyAttemptsStarted(
  state: NamespaceState,
  e: WorkQueueEventData['AttemptsStarted'],
): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  if (e.paces) spec.lastContinuousAt = e.at;
  let all = true;
  for (const started of e.attempts) {
    const unit = findUnit(spec, started.key);
    const next = unit ? nextUnitStatus(unit.status, 'START') : 0;
    if (!unit || next === 0) {
      all = false;
      continue;
    }
    const attempt: AttemptState = {
      hi: -1,
      id: started.id,
      unit,
      workerId: e.workerId,
      status: 'pending',
      startedAt: e.at,
      expiresAt: e.expiresAt,
      endedAt: 0,
      data: null,
      traceback: null,
      prev: unit.last,
    };
    unit.last = attempt;
    unit.tries++;
    setUnitStatus(state, spec, unit, next);
    state.pending.set(attempt.id, attempt);
    state.leases.push(attempt);
    const mine = state.pendingByWorker.get(e.workerId);
    if (mine) mine.add(attempt);
    else state.pendingByWorker.set(e.workerId, new Set([attempt]));
  }
  return all;
}

interface Ending {
  attempt: AttemptState;
  spec: WorkSpecState;
}

/** The pending attempt and its spec, if the attempt still holds its unit. */
function holding(state: NamespaceState, id: string): Ending | undefined {
  const attempt = state.pending.get(id);
  if (!attempt) return undefined;
  const spec = state.specs.get(attempt.unit.specId);
  if (!spec || spec.units.get(attempt.unit.key) !== attempt.unit) return undefined;
  return { attempt, spec };
}

export function applyAttemptRenewed(state: NamespaceState, e: WorkQueueEventData['AttemptRenewed']): boolean {
  const found = holding(state, e.id);
  if (!found || !nextAttemptStatus(found.attempt.status, 'RENEW')) return false;
  const { attempt } = found;
  attempt.expiresAt = e.expiresAt;
  state.leases.update(attempt);
  if (e.data) attempt.unit.data = packBytes(e.data);
  return true;
}

/**
 * Ends a pending attempt and moves its unit. `unitStatusAfter` FINISHED/FAILED ends the unit,
 * AVAILABLE releases it (after `availableAt` when that is later than `at`).
 */
function endAndMove(
  state: NamespaceState,
  id: string,
  attemptEvent: 'FINISH' | 'FAIL' | 'RETRY' | 'EXPIRE',
  unitEvent: 'FINISH' | 'FAIL' | 'RELEASE',
  e: { at: number; data?: Uint8Array; traceback?: string; availableAt?: number },
): boolean {
  const found = holding(state, id);
  if (!found) return false;
  const { attempt, spec } = found;
  const attemptNext: AttemptStatus | undefined = nextAttemptStatus(attempt.status, attemptEvent);
  const unitNext = nextUnitStatus(attempt.unit.status, unitEvent);
  if (!attemptNext || unitNext === 0) return false;
  const unit = attempt.unit;
  endAttempt(state, attempt, attemptNext, e.at);
  if (e.data) {
    attempt.data = packBytes(e.data);
    unit.data = attempt.data;
  }
  if (e.traceback !== undefined) attempt.traceback = e.traceback;
  const ends = unitEvent !== 'RELEASE';
  unit.endedAt = ends ? e.at : 0;
  unit.traceback = unitEvent === 'FAIL' ? (e.traceback ?? null) : null;
  const delayedUntil = e.availableAt !== undefined && e.availableAt > e.at ? e.availableAt : 0;
  setUnitStatus(state, spec, unit, unitNext, delayedUntil);
  return true;
}

export function applyAttemptFinished(
  state: NamespaceState,
  e: WorkQueueEventData['AttemptFinished'],
): boolean {
  return endAndMove(state, e.id, 'FINISH', 'FINISH', e);
}

export function applyAttemptFailed(state: NamespaceState, e: WorkQueueEventData['AttemptFailed']): boolean {
  return endAndMove(state, e.id, 'FAIL', 'FAIL', e);
}

export function applyAttemptRetried(state: NamespaceState, e: WorkQueueEventData['AttemptRetried']): boolean {
  return endAndMove(state, e.id, 'RETRY', 'RELEASE', e);
}

export function applyAttemptsExpired(
  state: NamespaceState,
  e: WorkQueueEventData['AttemptsExpired'],
): boolean {
  let all = true;
  for (const expired of e.attempts) {
    const ok =
      expired.traceback === undefined
        ? endAndMove(state, expired.id, 'EXPIRE', 'RELEASE', { at: e.at })
        : endAndMove(state, expired.id, 'EXPIRE', 'FAIL', { at: e.at, traceback: expired.traceback });
    all &&= ok;
  }
  return all;
}
