import { NotFoundError } from '@passerine/core';
import {
  canonicalName,
  describeName,
  identityOf,
  isTextKey,
  type Name,
  nameIdentity,
  otherKindOf,
} from './keys.ts';
import type { AttemptState, NamespaceState, WorkSpecState, WorkUnitState } from './state.ts';

/**
 * Finding specs and units by name, with Python 2's equality (keys.ts). Specs are few and keyed by
 * identity. Units are many and keyed by their canonical name, which keeps their kind without a
 * field more per unit: a lookup that misses tries the other kind of an ASCII name.
 */
export function noSuchWorkSpec(name: Name): NotFoundError {
  return new NotFoundError(`no such work_spec ${describeName(name)}`, { work_spec_name: describeName(name) });
}

/** The id a spec is kept under: the same for b'a' and u'a'. */
export function specIdOf(name: Name): string {
  return nameIdentity(name);
}

export function findSpec(state: NamespaceState, name: Name): WorkSpecState | undefined {
  return state.specs.get(nameIdentity(name));
}

export function requireSpec(state: NamespaceState, name: Name): WorkSpecState {
  const spec = findSpec(state, name);
  if (!spec) throw noSuchWorkSpec(name);
  return spec;
}

/** The unit under this canonical name, or under the other kind of it when Python 2 equates them. */
export function unitByCanonical(spec: WorkSpecState, canonical: string): WorkUnitState | undefined {
  const unit = spec.units.get(canonical);
  if (unit !== undefined) return unit;
  const ofOtherKind = isTextKey(canonical) ? spec.units.size - spec.textKeys : spec.textKeys;
  if (ofOtherKind === 0) return undefined;
  const other = otherKindOf(canonical);
  return other === undefined ? undefined : spec.units.get(other);
}

export function findUnit(spec: WorkSpecState, key: Name): WorkUnitState | undefined {
  return unitByCanonical(spec, canonicalName(key));
}

export function requireUnit(spec: WorkSpecState, key: Name): WorkUnitState {
  const unit = findUnit(spec, key);
  if (!unit)
    throw new NotFoundError(`no such work unit key=${describeName(key)}`, { key: describeName(key) });
  return unit;
}

/** Spec ids of a list of names, for membership tests against `spec.id`. */
export function specIdsOf(names: Iterable<Name>): Set<string> {
  const out = new Set<string>();
  for (const name of names) out.add(identityOf(canonicalName(name)));
  return out;
}

/** The unit's attempt if it is the one holding the unit right now. */
export function pendingAttemptOf(state: NamespaceState, unit: WorkUnitState): AttemptState | undefined {
  const last = unit.last;
  return last && last.status === 'pending' && state.pending.get(last.id) === last ? last : undefined;
}
