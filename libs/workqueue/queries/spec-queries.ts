import { canonicalName, compareCanonical, type Name } from '../keys.ts';
import { findSpec, requireSpec } from '../lookup.ts';
import type { NamespaceState } from '../state.ts';
import { ALL_UNIT_STATUSES, type WorkSpecStatus } from '../status.ts';

export interface WorkSpecView {
  name: Name;
  /** The spec dict exactly as it was set (CBOR). */
  data: Uint8Array;
}

/** get_work_spec: null when missing (Coordinate answers None). */
export function getWorkSpec(state: NamespaceState, name: Name): WorkSpecView | null {
  const spec = findSpec(state, name);
  return spec ? { name: spec.name, data: spec.data } : null;
}

/** list_work_specs: by name order from `start` (inclusive); `next` is where the following page starts. */
export function listWorkSpecs(
  state: NamespaceState,
  options: { start?: Name | null; limit?: number | null } = {},
): [WorkSpecView[], Name | null] {
  const ids = [...state.specs.keys()].sort(compareCanonical);
  const start =
    options.start === undefined || options.start === null ? undefined : canonicalName(options.start);
  const from = start === undefined ? 0 : ids.findIndex((id) => compareCanonical(id, start) >= 0);
  const limit = options.limit && options.limit > 0 ? options.limit : ids.length;
  const page = from < 0 ? [] : ids.slice(from, from + limit);
  const nextIndex = from < 0 ? -1 : from + limit;
  const next = nextIndex >= 0 && nextIndex < ids.length ? state.specs.get(ids[nextIndex])!.name : null;
  return [page.map((id) => getWorkSpec(state, state.specs.get(id)!.name)!), next];
}

export interface WorkSpecMetaView {
  status: WorkSpecStatus;
  continuous: boolean;
  interval: number | null;
  max_running: number | null;
  weight: number;
}

/** get_work_spec_meta; throws NotFoundError "no such work_spec 'x'". */
export function getWorkSpecMeta(state: NamespaceState, name: Name): WorkSpecMetaView {
  const { meta } = requireSpec(state, name);
  return {
    status: meta.status,
    continuous: meta.continuous,
    interval: meta.interval,
    max_running: meta.max_running,
    weight: meta.weight,
  };
}

/** count_work_units: O(1) from the counters; only statuses with units appear, like Coordinate. */
export function countWorkUnits(state: NamespaceState, name: Name): Record<number, number> {
  const spec = requireSpec(state, name);
  const out: Record<number, number> = {};
  for (const status of ALL_UNIT_STATUSES) if (spec.counts[status] > 0) out[status] = spec.counts[status];
  return out;
}

export function workSpecNames(state: NamespaceState): Name[] {
  return [...state.specs.values()].map((s) => s.name);
}
