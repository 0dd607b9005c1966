import { findSpec, specIdOf } from '../lookup.ts';
import type { WorkQueueEventData } from '../events.ts';
import { createWorkSpecState, type NamespaceState } from '../state.ts';
import { dropSpecIndexes } from './unit-moves.ts';

export function applyWorkSpecSet(state: NamespaceState, e: WorkQueueEventData['WorkSpecSet']): boolean {
  const id = specIdOf(e.name);
  const existing = state.specs.get(id);
  if (existing) {
    // set_work_spec on an existing spec replaces its definition and keeps its units, and the
    // name it was first set with (b'a' and u'a' are one spec).
    existing.data = e.data;
    existing.meta = { ...e.meta };
    return true;
  }
  state.specs.set(id, createWorkSpecState(e.name, id, e.data, { ...e.meta }));
  return true;
}

export function applyWorkSpecDeleted(
  state: NamespaceState,
  e: WorkQueueEventData['WorkSpecDeleted'],
): boolean {
  const spec = findSpec(state, e.spec);
  if (!spec) return false;
  dropSpecIndexes(state, spec, e.at);
  state.specs.delete(spec.id);
  return true;
}

export function applyWorkSpecControlled(
  state: NamespaceState,
  e: WorkQueueEventData['WorkSpecControlled'],
): boolean {
  const spec = findSpec(state, e.name);
  if (!spec) return false;
  spec.meta = { ...spec.meta, ...e.changes };
  return true;
}

export function applyNamespaceCleared(
  state: NamespaceState,
  e: WorkQueueEventData['NamespaceCleared'],
): boolean {
  for (const attempt of state.pending.values()) {
    attempt.status = 'expired';
    attempt.endedAt = e.at;
  }
  state.pending.clear();
  state.leases.clear();
  state.delayed.clear();
  state.pendingByWorker.clear();
  state.specs.clear();
  return true;
}
