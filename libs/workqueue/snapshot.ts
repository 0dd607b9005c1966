import type { WorkSpecMeta } from './spec-meta.ts';
import {
  type AttemptState,
  createNamespaceState,
  type IdempotentAdd,
  createWorkSpecState,
  type NamespaceState,
  type WorkerState,
  type WorkSpecState,
  type WorkUnitState,
} from './state.ts';
import { CorruptError } from '@passerine/core';
import type { AttemptStatus } from './status.ts';
import { WorkUnitStatus } from './status.ts';
import { isTextKey, type Name } from './keys.ts';
import { specIdOf } from './lookup.ts';

/**
 * A plain, msgpack-friendly copy of a namespace for the store's snapshots (stored with the stream
 * sequence it covers; a restart restores it and replays the tail). Keys and data stay in their
 * internal packed form (latin1 strings, see keys.ts and opaque-bytes.ts): exact, and no
 * conversion on either side. Indexes (heaps, pending maps, children) are rebuilt on restore.
 *
 * Units and attempts are stored as columns (one array per field): a million units as a million
 * maps repeated every field name and decoded slower than replaying the log they came from.
 */
/**
 * 3: names Python 2 finds equal are one key (keys.ts); a snapshot of an older state may hold b'a'
 * and u'a' as two units, so it is not read and the log is replayed instead.
 */
export const SNAPSHOT_VERSION = 3;

export interface NamespaceSnapshot {
  version: typeof SNAPSHOT_VERSION;
  ignoredEvents: number;
  /** Absent in snapshots taken before idempotency keys existed. */
  idempotency?: Array<[string, IdempotentAdd]>;
  specs: SpecSnapshot[];
  workers: Array<Omit<WorkerState, 'lifecycle'>>;
}

export interface SpecSnapshot {
  name: Name;
  data: Uint8Array;
  meta: WorkSpecMeta;
  lastContinuousAt: number;
  units: UnitColumns;
  attempts: AttemptColumns;
}

/** Field i of every array belongs to unit i; `attemptCount[i]` of its attempts follow in order. */
export interface UnitColumns {
  key: string[];
  data: string[];
  priority: number[];
  status: number[];
  availableAt: number[];
  tries: number[];
  endedAt: number[];
  traceback: Array<string | null>;
  attemptCount: number[];
  /** Absent in snapshots taken before units had a time to live. */
  expiresAt?: number[];
}

/** Every attempt of every unit, unit by unit, oldest first within a unit. */
export interface AttemptColumns {
  id: string[];
  workerId: string[];
  status: AttemptStatus[];
  startedAt: number[];
  expiresAt: number[];
  endedAt: number[];
  data: Array<string | null>;
  traceback: Array<string | null>;
}

function emptyAttemptColumns(): AttemptColumns {
  return {
    id: [],
    workerId: [],
    status: [],
    startedAt: [],
    expiresAt: [],
    endedAt: [],
    data: [],
    traceback: [],
  };
}

function pushAttempt(a: AttemptState, to: AttemptColumns): void {
  to.id.push(a.id);
  to.workerId.push(a.workerId);
  to.status.push(a.status);
  to.startedAt.push(a.startedAt);
  to.expiresAt.push(a.expiresAt);
  to.endedAt.push(a.endedAt);
  to.data.push(a.data);
  to.traceback.push(a.traceback);
}

function pushAttempts(unit: WorkUnitState, to: AttemptColumns): number {
  // Most units have one attempt: no list to gather and reverse.
  if (unit.last !== null && unit.last.prev === null) {
    pushAttempt(unit.last, to);
    return 1;
  }
  const newestFirst: AttemptState[] = [];
  for (let a = unit.last; a !== null; a = a.prev) newestFirst.push(a);
  for (let i = newestFirst.length - 1; i >= 0; i--) pushAttempt(newestFirst[i], to);
  return newestFirst.length;
}

/** Yields after every `unitsPerStep` units copied (see snapshotSteps). */
function* specSnapshot(spec: WorkSpecState, unitsPerStep: number): Generator<void, SpecSnapshot> {
  // Columns of known length, filled by index in locals: pushes onto growing arrays, one property
  // load each, made the copy of a few million units take seconds.
  const size = spec.units.size;
  const key: UnitColumns['key'] = new Array(size);
  const data: UnitColumns['data'] = new Array(size);
  const priority: UnitColumns['priority'] = new Array(size);
  const status: UnitColumns['status'] = new Array(size);
  const availableAt: UnitColumns['availableAt'] = new Array(size);
  const tries: UnitColumns['tries'] = new Array(size);
  const endedAt: UnitColumns['endedAt'] = new Array(size);
  const traceback: UnitColumns['traceback'] = new Array(size);
  const attemptCount: UnitColumns['attemptCount'] = new Array(size);
  const expiresAt: NonNullable<UnitColumns['expiresAt']> = new Array(size);
  const attempts = emptyAttemptColumns();
  let i = 0;
  for (const u of spec.units.values()) {
    if (i > 0 && i % unitsPerStep === 0) yield;
    key[i] = u.key;
    data[i] = u.data;
    priority[i] = u.priority;
    status[i] = u.status;
    availableAt[i] = u.availableAt;
    tries[i] = u.tries;
    endedAt[i] = u.endedAt;
    traceback[i] = u.traceback;
    attemptCount[i] = u.last === null ? 0 : pushAttempts(u, attempts);
    expiresAt[i] = u.expiresAt;
    i++;
  }
  return {
    name: spec.name,
    data: spec.data,
    meta: { ...spec.meta },
    lastContinuousAt: spec.lastContinuousAt,
    units: { key, data, priority, status, availableAt, tries, endedAt, traceback, attemptCount, expiresAt },
    attempts,
  };
}

export function snapshotNamespace(state: NamespaceState): NamespaceSnapshot {
  const steps = snapshotSteps(state, Number.POSITIVE_INFINITY);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The copy of snapshotNamespace in steps of `unitsPerStep` units: the caller may yield to its
 * event loop between steps (a copy of millions of units takes seconds), as long as nothing changes
 * the state until the last step returns the snapshot.
 */
export function* snapshotSteps(
  state: NamespaceState,
  unitsPerStep: number,
): Generator<void, NamespaceSnapshot> {
  const specs: SpecSnapshot[] = [];
  for (const spec of state.specs.values()) specs.push(yield* specSnapshot(spec, unitsPerStep));
  return {
    version: SNAPSHOT_VERSION,
    ignoredEvents: state.ignoredEvents,
    idempotency: [...state.idempotency],
    specs,
    workers: [...state.workers.values()].map(({ lifecycle: _, ...w }) => ({ ...w })),
  };
}

function restoreAttempt(state: NamespaceState, unit: WorkUnitState, c: AttemptColumns, j: number): void {
  const attempt: AttemptState = {
    hi: -1,
    unit,
    prev: unit.last,
    id: c.id[j],
    workerId: c.workerId[j],
    status: c.status[j],
    startedAt: c.startedAt[j],
    expiresAt: c.expiresAt[j],
    endedAt: c.endedAt[j],
    data: c.data[j],
    traceback: c.traceback[j],
  };
  unit.last = attempt;
  if (attempt.status !== 'pending') return;
  state.pending.set(attempt.id, attempt);
  state.leases.push(attempt);
  const mine = state.pendingByWorker.get(attempt.workerId);
  if (mine) mine.add(attempt);
  else state.pendingByWorker.set(attempt.workerId, new Set([attempt]));
}

function restoreSpec(state: NamespaceState, s: SpecSnapshot): void {
  // Snapshots taken before retention existed have no retention fields: none set.
  const spec = createWorkSpecState(s.name, '', s.data, {
    ...s.meta,
    retention_max_age: s.meta.retention_max_age ?? null,
    retention_max_count: s.meta.retention_max_count ?? null,
  });
  spec.id = specIdOf(s.name);
  spec.lastContinuousAt = s.lastContinuousAt;
  state.specs.set(spec.id, spec);
  const u = s.units;
  let nextAttempt = 0;
  for (let i = 0; i < u.key.length; i++) {
    const unit: WorkUnitState = {
      hi: -1,
      specId: spec.id,
      last: null,
      key: u.key[i],
      data: u.data[i],
      priority: u.priority[i],
      status: u.status[i],
      availableAt: u.availableAt[i],
      tries: u.tries[i],
      endedAt: u.endedAt[i],
      expiresAt: u.expiresAt?.[i] ?? 0,
      traceback: u.traceback[i],
    };
    if (unit.expiresAt > 0) state.expiring.push({ at: unit.expiresAt, unit });
    for (let k = 0; k < u.attemptCount[i]; k++) restoreAttempt(state, unit, s.attempts, nextAttempt++);
    spec.units.set(unit.key, unit);
    if (isTextKey(unit.key)) spec.textKeys++;
    spec.counts[unit.status]++;
    if (unit.status === WorkUnitStatus.AVAILABLE) {
      if (unit.availableAt > 0) state.delayed.push(unit);
      else spec.available.push(unit);
    }
  }
  const ended = [...spec.units.values()].filter(
    (x) => x.status === WorkUnitStatus.FINISHED || x.status === WorkUnitStatus.FAILED,
  );
  // Stable sort: units that ended at the same ms keep the snapshot's order.
  ended.sort((a, b) => a.endedAt - b.endedAt);
  for (const x of ended) spec.ended.add(x);
}

export function restoreNamespace(snapshot: NamespaceSnapshot): NamespaceState {
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new CorruptError(
      `namespace snapshot version ${snapshot.version} is not readable here (expected ${SNAPSHOT_VERSION})`,
    );
  }
  const state = createNamespaceState();
  state.ignoredEvents = snapshot.ignoredEvents;
  state.idempotency = new Map(snapshot.idempotency ?? []);
  for (const s of snapshot.specs) restoreSpec(state, s);
  for (const w of snapshot.workers) {
    state.workers.set(w.id, { ...w, lifecycle: 'registered' });
    if (w.parent === null) continue;
    const children = state.childrenOf.get(w.parent);
    if (children) children.add(w.id);
    else state.childrenOf.set(w.parent, new Set([w.id]));
  }
  return state;
}
