import type { WorkSpecMeta } from './spec-meta.ts';
import {
  type AttemptState,
  createNamespaceState,
  createWorkSpecState,
  type NamespaceState,
  type WorkerState,
  type WorkUnitState,
} from './state.ts';
import type { AttemptStatus } from './status.ts';
import { WorkUnitStatus } from './status.ts';
import { canonicalName as canonicalNameOf, type Name } from './keys.ts';

/**
 * A plain, msgpack-friendly copy of a namespace for the store's snapshots (stored with the stream
 * sequence it covers; a restart restores it and replays the tail). Keys and data stay in their
 * internal packed form (latin1 strings, see keys.ts and opaque-bytes.ts): exact, and no
 * conversion on either side. Indexes (heaps, pending maps, children) are rebuilt on restore.
 */
export interface NamespaceSnapshot {
  version: 1;
  ignoredEvents: number;
  specs: SpecSnapshot[];
  workers: Array<Omit<WorkerState, 'lifecycle'>>;
}

export interface SpecSnapshot {
  name: Name;
  data: Uint8Array;
  meta: WorkSpecMeta;
  lastContinuousAt: number;
  units: UnitSnapshot[];
}

export interface UnitSnapshot {
  key: string;
  data: string;
  priority: number;
  status: number;
  availableAt: number;
  tries: number;
  endedAt: number;
  traceback: string | null;
  /** Oldest first. */
  attempts: AttemptSnapshot[];
}

export interface AttemptSnapshot {
  id: string;
  workerId: string;
  status: AttemptStatus;
  startedAt: number;
  expiresAt: number;
  endedAt: number;
  data: string | null;
  traceback: string | null;
}

function attemptsOldestFirst(unit: WorkUnitState): AttemptSnapshot[] {
  const out: AttemptSnapshot[] = [];
  for (let a = unit.last; a !== null; a = a.prev) {
    const { id, workerId, status, startedAt, expiresAt, endedAt, data, traceback } = a;
    out.push({ id, workerId, status, startedAt, expiresAt, endedAt, data, traceback });
  }
  return out.reverse();
}

export function snapshotNamespace(state: NamespaceState): NamespaceSnapshot {
  return {
    version: 1,
    ignoredEvents: state.ignoredEvents,
    specs: [...state.specs.values()].map((spec) => ({
      name: spec.name,
      data: spec.data,
      meta: { ...spec.meta },
      lastContinuousAt: spec.lastContinuousAt,
      units: [...spec.units.values()].map((u) => ({
        key: u.key,
        data: u.data,
        priority: u.priority,
        status: u.status,
        availableAt: u.availableAt,
        tries: u.tries,
        endedAt: u.endedAt,
        traceback: u.traceback,
        attempts: attemptsOldestFirst(u),
      })),
    })),
    workers: [...state.workers.values()].map(({ lifecycle: _, ...w }) => ({ ...w })),
  };
}

export function restoreNamespace(snapshot: NamespaceSnapshot): NamespaceState {
  const state = createNamespaceState();
  state.ignoredEvents = snapshot.ignoredEvents;
  for (const s of snapshot.specs) {
    const spec = createWorkSpecState(s.name, '', s.data, { ...s.meta });
    spec.id = canonicalNameOf(s.name);
    spec.lastContinuousAt = s.lastContinuousAt;
    state.specs.set(spec.id, spec);
    for (const u of s.units) {
      const unit: WorkUnitState = { hi: -1, specId: spec.id, last: null, ...withoutAttempts(u) };
      for (const a of u.attempts) {
        const attempt: AttemptState = { hi: -1, unit, prev: unit.last, ...a };
        unit.last = attempt;
        if (attempt.status === 'pending') {
          state.pending.set(attempt.id, attempt);
          state.leases.push(attempt);
          const mine = state.pendingByWorker.get(attempt.workerId);
          if (mine) mine.add(attempt);
          else state.pendingByWorker.set(attempt.workerId, new Set([attempt]));
        }
      }
      spec.units.set(unit.key, unit);
      spec.counts[unit.status]++;
      if (unit.status === WorkUnitStatus.AVAILABLE) {
        if (unit.availableAt > 0) state.delayed.push(unit);
        else spec.available.push(unit);
      }
    }
  }
  for (const w of snapshot.workers) {
    state.workers.set(w.id, { ...w, lifecycle: 'registered' });
    if (w.parent === null) continue;
    const children = state.childrenOf.get(w.parent);
    if (children) children.add(w.id);
    else state.childrenOf.set(w.parent, new Set([w.id]));
  }
  return state;
}

function withoutAttempts({ attempts: _, ...unit }: UnitSnapshot) {
  return unit;
}
