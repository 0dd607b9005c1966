import { NotFoundError } from '@passerine/core';
import { canonicalName, describeName, type Name } from './keys.ts';
import type { AttemptState, NamespaceState, WorkSpecState, WorkUnitState } from './state.ts';

/** Lookups that fail the way Coordinate words it. */
export function noSuchWorkSpec(name: Name): NotFoundError {
  return new NotFoundError(`no such work_spec ${describeName(name)}`, { work_spec_name: describeName(name) });
}

export function findSpec(state: NamespaceState, name: Name): WorkSpecState | undefined {
  return state.specs.get(canonicalName(name));
}

export function requireSpec(state: NamespaceState, name: Name): WorkSpecState {
  const spec = findSpec(state, name);
  if (!spec) throw noSuchWorkSpec(name);
  return spec;
}

export function requireUnit(spec: WorkSpecState, key: Name): WorkUnitState {
  const unit = spec.units.get(canonicalName(key));
  if (!unit)
    throw new NotFoundError(`no such work unit key=${describeName(key)}`, { key: describeName(key) });
  return unit;
}

/** The unit's attempt if it is the one holding the unit right now. */
export function pendingAttemptOf(state: NamespaceState, unit: WorkUnitState): AttemptState | undefined {
  const last = unit.last;
  return last && last.status === 'pending' && state.pending.get(last.id) === last ? last : undefined;
}
