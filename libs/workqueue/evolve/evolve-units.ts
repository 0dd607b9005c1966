import type { WorkQueueEventData } from '../events.ts';
import { canonicalName } from '../keys.ts';
import { findSpec, findUnit, unitByCanonical } from '../lookup.ts';
import { nextUnitStatus } from '../lifecycle/tables.ts';
import { rememberAdd } from '../decide/idempotency.ts';
import { packBytes } from '../opaque-bytes.ts';
import type { NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';
import { WorkUnitStatus } from '../status.ts';
import {
  endAttempt,
  insertUnit,
  isEnded,
  newUnit,
  removeUnit,
  setUnitStatus,
  setUnitTimes,
} from './unit-moves.ts';

/**
 * Each returns false when the event referred to something no longer there (applied as a no-op).
 *
 * An add naming a key its spec has gives the unit the new data and makes it available afresh,
 * keeping its key and priority (the original's add of an existing key). A key named twice in one
 * add counts as the last one given, priority too (the original gathers an add in a dict first).
 */
export function applyWorkUnitsAdded(state: NamespaceState, e: WorkQueueEventData['WorkUnitsAdded']): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  if (e.continuous) spec.lastContinuousAt = e.at;
  if (e.idempotency) {
    const { key, digest } = e.idempotency;
    rememberAdd(state, key, { at: e.at, digest, spec: spec.name, count: e.units.length });
  }
  const added = new Set<WorkUnitState>();
  for (const u of e.units) {
    const key = canonicalName(u.key);
    const data = packBytes(u.data);
    const existing = unitByCanonical(spec, key);
    if (!existing) {
      const unit = newUnit(spec.id, key, data, u.priority);
      insertUnit(spec, unit);
      if (u.notBefore !== undefined || u.expiresAt !== undefined) setUnitTimes(state, spec, unit, u);
      added.add(unit);
      continue;
    }
    if (added.has(existing)) {
      existing.data = data;
      existing.priority = u.priority;
      if (existing.hi >= 0 && existing.availableAt === 0) spec.available.update(existing);
      continue;
    }
    const last = existing.last;
    if (last && last.status === 'pending') endAttempt(state, last, 'expired', e.at);
    existing.data = data;
    existing.tries = 0;
    existing.endedAt = 0;
    existing.traceback = null;
    setUnitStatus(state, spec, existing, WorkUnitStatus.AVAILABLE);
    setUnitTimes(state, spec, existing, u);
  }
  return true;
}

/** Each still AVAILABLE unit expires as FAILED with the reason; the entries due leave the index. */
export function applyUnitsExpired(state: NamespaceState, e: WorkQueueEventData['UnitsExpired']): boolean {
  let all = true;
  for (const ref of e.units) {
    const spec = findSpec(state, ref.spec);
    const unit = spec && findUnit(spec, ref.key);
    if (
      !spec ||
      !unit ||
      unit.status !== WorkUnitStatus.AVAILABLE ||
      unit.expiresAt === 0 ||
      unit.expiresAt > e.at
    ) {
      all = false;
      continue;
    }
    unit.endedAt = e.at;
    unit.traceback = `expired: its time to live ended at ${new Date(unit.expiresAt).toISOString()} while it waited for a worker`;
    unit.expiresAt = 0;
    setUnitStatus(state, spec, unit, WorkUnitStatus.FAILED);
  }
  while ((state.expiring.peek()?.at ?? Number.POSITIVE_INFINITY) <= e.at) state.expiring.pop();
  return all;
}

export function applyWorkUnitsPrioritized(
  state: NamespaceState,
  e: WorkQueueEventData['WorkUnitsPrioritized'],
): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  for (const key of e.keys) {
    const unit = findUnit(spec, key);
    if (!unit) continue;
    unit.priority = e.priority ?? unit.priority + (e.adjustment ?? 0);
    if (unit.availableAt === 0) spec.available.update(unit);
  }
  return true;
}

export function unitsMatching(
  spec: WorkSpecState,
  filter: { all?: boolean; keys?: readonly (string | Uint8Array)[]; statuses?: readonly number[] },
): WorkUnitState[] {
  if (filter.all) return [...spec.units.values()];
  const statuses = filter.statuses && filter.statuses.length > 0 ? new Set(filter.statuses) : undefined;
  if (filter.keys && filter.keys.length > 0) {
    const found = new Set<WorkUnitState>();
    for (const key of filter.keys) {
      const unit = findUnit(spec, key);
      if (unit && (!statuses || statuses.has(unit.status))) found.add(unit);
    }
    return [...found];
  }
  if (!statuses) return [];
  const out: WorkUnitState[] = [];
  for (const unit of spec.units.values()) if (statuses.has(unit.status)) out.push(unit);
  return out;
}

export function applyWorkUnitsDeleted(
  state: NamespaceState,
  e: WorkQueueEventData['WorkUnitsDeleted'],
): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  for (const unit of unitsMatching(spec, e)) removeUnit(state, spec, unit, e.at);
  return true;
}

const forcedTransition = { 1: 'RESET', 4: 'FORCE_FINISH', 5: 'FORCE_FAIL' } as const;

export function applyWorkUnitStatusSet(
  state: NamespaceState,
  e: WorkQueueEventData['WorkUnitStatusSet'],
): boolean {
  const spec = findSpec(state, e.spec);
  const unit = spec && findUnit(spec, e.key);
  if (!spec || !unit) return false;
  const next = nextUnitStatus(unit.status, forcedTransition[e.status]);
  if (next === 0) return false;
  if (next === unit.status && next !== WorkUnitStatus.AVAILABLE) {
    // An ended unit its machine keeps where it is (finish wins, or an end repeated): only the data.
    if (e.data) unit.data = packBytes(e.data);
    return true;
  }
  const last = unit.last;
  if (last && last.status === 'pending') endAttempt(state, last, 'expired', e.at);
  if (e.data) unit.data = packBytes(e.data);
  unit.endedAt = next === WorkUnitStatus.AVAILABLE ? 0 : e.at;
  unit.traceback = next === WorkUnitStatus.FAILED ? (e.traceback ?? null) : null;
  setUnitStatus(state, spec, unit, next);
  return true;
}

export function applyUnitsReleased(state: NamespaceState, e: WorkQueueEventData['UnitsReleased']): boolean {
  let all = true;
  for (const ref of e.units) {
    const spec = findSpec(state, ref.spec);
    const unit = spec && findUnit(spec, ref.key);
    if (!spec || !unit || unit.status !== WorkUnitStatus.AVAILABLE || unit.availableAt === 0) {
      all = false;
      continue;
    }
    setUnitStatus(state, spec, unit, WorkUnitStatus.AVAILABLE);
  }
  return all;
}

/** The units UnitsArchived forgets, as the state stands. */
export function archivableUnits(spec: WorkSpecState, before: number): WorkUnitState[] {
  const out: WorkUnitState[] = [];
  for (const unit of spec.units.values()) {
    const ended = unit.status === WorkUnitStatus.FINISHED || unit.status === WorkUnitStatus.FAILED;
    if (ended && unit.endedAt <= before) out.push(unit);
  }
  return out;
}

export function applyUnitsArchived(state: NamespaceState, e: WorkQueueEventData['UnitsArchived']): boolean {
  const specs = e.spec === undefined ? [...state.specs.values()] : [findSpec(state, e.spec)];
  for (const spec of specs) {
    if (!spec) continue;
    for (const unit of archivableUnits(spec, e.before)) removeUnit(state, spec, unit, e.at);
  }
  return true;
}

export function applyUnitsRetired(state: NamespaceState, e: WorkQueueEventData['UnitsRetired']): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  let all = true;
  for (const key of e.keys) {
    const unit = findUnit(spec, key);
    // A unit added again since it was chosen is live work: it stays.
    if (!unit || !isEnded(unit.status)) {
      all = false;
      continue;
    }
    removeUnit(state, spec, unit, e.at);
  }
  return all;
}
