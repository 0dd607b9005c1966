import { canonicalName, compareCanonical, type Name, nameOfCanonical } from '../keys.ts';
import { requireSpec } from '../lookup.ts';
import { unpackBytes } from '../opaque-bytes.ts';
import type { NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';
import { WorkUnitStatus } from '../status.ts';

export const DEFAULT_UNITS_LIMIT = 1000;

export interface GetWorkUnitsOptions {
  work_unit_keys?: Name[] | null;
  /** One status or a list of them. */
  state?: number | number[] | null;
  /** Inclusive. */
  start?: Name | null;
  limit?: number | null;
}

/**
 * Keys in name order, sorted on first use after keys were added or removed. The memo is a
 * cache of the query, not state: it changes no answer.
 */
function sortedKeys(spec: WorkSpecState): string[] {
  if (!spec.sortedKeys) spec.sortedKeys = [...spec.units.keys()].sort(compareCanonical);
  return spec.sortedKeys;
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareCanonical(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** get_work_units: (key, data) pairs sorted by key; requested keys that do not exist give (key, null). */
export function getWorkUnits(
  state: NamespaceState,
  specName: Name,
  options: GetWorkUnitsOptions = {},
): Array<[Name, Uint8Array | null]> {
  const spec = requireSpec(state, specName);
  const statuses =
    options.state === undefined || options.state === null
      ? undefined
      : new Set(Array.isArray(options.state) ? options.state : [options.state]);
  const limit = options.limit && options.limit > 0 ? options.limit : DEFAULT_UNITS_LIMIT;
  const start =
    options.start === undefined || options.start === null ? undefined : canonicalName(options.start);
  const out: Array<[Name, Uint8Array | null]> = [];
  if (options.work_unit_keys) {
    const keys = [...new Set(options.work_unit_keys.map(canonicalName))].sort(compareCanonical);
    for (const key of keys) {
      if (out.length >= limit) break;
      if (start !== undefined && compareCanonical(key, start) < 0) continue;
      const unit = spec.units.get(key);
      if (!unit) out.push([nameOfCanonical(key), null]);
      else if (!statuses || statuses.has(unit.status))
        out.push([nameOfCanonical(key), unpackBytes(unit.data)]);
    }
    return out;
  }
  const keys = sortedKeys(spec);
  for (
    let i = start === undefined ? 0 : lowerBound(keys, start);
    i < keys.length && out.length < limit;
    i++
  ) {
    const unit = spec.units.get(keys[i])!;
    if (!statuses || statuses.has(unit.status)) out.push([nameOfCanonical(unit.key), unpackBytes(unit.data)]);
  }
  return out;
}

export interface WorkUnitStatusView {
  status: number;
  /** ms: lease end while PENDING, when it ended once FINISHED/FAILED, null while AVAILABLE. */
  expiration: number | null;
  worker_id?: string;
  traceback?: string;
}

export function unitStatusView(unit: WorkUnitState): WorkUnitStatusView {
  const last = unit.last;
  if (unit.status === WorkUnitStatus.AVAILABLE) return { status: unit.status, expiration: null };
  const view: WorkUnitStatusView = {
    status: unit.status,
    expiration: unit.status === WorkUnitStatus.PENDING ? (last?.expiresAt ?? null) : unit.endedAt || null,
  };
  if (last) view.worker_id = last.workerId;
  if (unit.status === WorkUnitStatus.FAILED && unit.traceback !== null) view.traceback = unit.traceback;
  return view;
}

/** get_work_unit_status: one entry per key, null for unknown keys. */
export function getWorkUnitStatus(
  state: NamespaceState,
  specName: Name,
  keys: Name[],
): Array<WorkUnitStatusView | null> {
  const spec = requireSpec(state, specName);
  return keys.map((key) => {
    const unit = spec.units.get(canonicalName(key));
    return unit ? unitStatusView(unit) : null;
  });
}
