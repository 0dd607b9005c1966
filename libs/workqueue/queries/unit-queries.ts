import { canonicalName, compareCanonical, type Name, nameOfCanonical } from '../keys.ts';
import { findUnit, requireSpec } from '../lookup.ts';
import { unpackBytes } from '../opaque-bytes.ts';
import type { NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';
import { WorkUnitStatus } from '../status.ts';

export const DEFAULT_UNITS_LIMIT = 1000;
/** The original server's clamp on get_work_units' limit. */
export const MAX_UNITS_LIMIT = 10_000;

export interface GetWorkUnitsOptions {
  work_unit_keys?: Name[] | null;
  /** One status or a list of them. */
  state?: number | number[] | null;
  /** Keys before it are left out. */
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

/** The order units are handed out in, and listed in when a status is asked for: priority, then key. */
function priorityThenKey(a: WorkUnitState, b: WorkUnitState): number {
  return a.priority !== b.priority ? b.priority - a.priority : compareCanonical(a.key, b.key);
}

/**
 * get_work_units, as the original answers it:
 * - named keys: one (key, data) per key asked for, in the order and the kind asked, (key, null) for
 *   a key that does not exist; status, start and limit do not apply;
 * - with a status (or a list of them): those units by priority, then key;
 * - else every unit by key.
 * `start` leaves out the keys before it; the limit defaults to 1,000 and is clamped to 10,000,
 * and the original's loop answers one unit for a limit of 0 or less.
 */
export function getWorkUnits(
  state: NamespaceState,
  specName: Name,
  options: GetWorkUnitsOptions = {},
): Array<[Name, Uint8Array | null]> {
  const spec = requireSpec(state, specName);
  if (options.work_unit_keys && options.work_unit_keys.length > 0) {
    return options.work_unit_keys.map((key) => {
      const unit = findUnit(spec, key);
      return [key, unit ? unpackBytes(unit.data) : null];
    });
  }
  const limit = Math.max(1, Math.min(MAX_UNITS_LIMIT, options.limit ?? DEFAULT_UNITS_LIMIT));
  const start =
    options.start === undefined || options.start === null ? undefined : canonicalName(options.start);
  const out: Array<[Name, Uint8Array | null]> = [];
  if (options.state !== undefined && options.state !== null) {
    const statuses = new Set(Array.isArray(options.state) ? options.state : [options.state]);
    const units: WorkUnitState[] = [];
    for (const unit of spec.units.values()) {
      if (statuses.has(unit.status) && (start === undefined || compareCanonical(unit.key, start) >= 0)) {
        units.push(unit);
      }
    }
    units.sort(priorityThenKey);
    for (const unit of units.slice(0, limit)) out.push([nameOfCanonical(unit.key), unpackBytes(unit.data)]);
    return out;
  }
  const keys = sortedKeys(spec);
  for (
    let i = start === undefined ? 0 : lowerBound(keys, start);
    i < keys.length && out.length < limit;
    i++
  ) {
    const unit = spec.units.get(keys[i])!;
    out.push([nameOfCanonical(unit.key), unpackBytes(unit.data)]);
  }
  return out;
}

export interface WorkUnitStatusView {
  status: number;
  /** ms: lease end while PENDING, when it ended once FINISHED/FAILED, null while AVAILABLE. */
  expiration: number | null;
  /** The worker the unit is with, or ended with; none once it went back to AVAILABLE. */
  worker_id?: string;
  /** Passerine's own traceback of a FAILED unit (tried too often, a pumped command's end). */
  traceback?: string;
  /** The unit's data, when asked for: Coordinate shows the traceback a client put there. */
  data?: Uint8Array;
}

/** The attempt that holds the unit, or the one that ended it; undefined once the unit was released. */
function workerAttempt(unit: WorkUnitState) {
  const last = unit.last;
  if (!last || last.workerId === '' || unit.status === WorkUnitStatus.AVAILABLE) return undefined;
  if (unit.status === WorkUnitStatus.PENDING) return last.status === 'pending' ? last : undefined;
  return last.status === 'finished' || last.status === 'failed' ? last : undefined;
}

export function unitStatusView(unit: WorkUnitState, withData = false): WorkUnitStatusView {
  const view: WorkUnitStatusView =
    unit.status === WorkUnitStatus.AVAILABLE
      ? { status: unit.status, expiration: null }
      : {
          status: unit.status,
          expiration:
            unit.status === WorkUnitStatus.PENDING ? (unit.last?.expiresAt ?? null) : unit.endedAt || null,
        };
  const worker = workerAttempt(unit);
  if (worker) view.worker_id = worker.workerId;
  if (unit.status === WorkUnitStatus.FAILED && unit.traceback !== null) view.traceback = unit.traceback;
  if (withData) view.data = unpackBytes(unit.data);
  return view;
}

/** get_work_unit_status: one entry per key, null for unknown keys. */
export function getWorkUnitStatus(
  state: NamespaceState,
  specName: Name,
  keys: Name[],
  withData = false,
): Array<WorkUnitStatusView | null> {
  const spec = requireSpec(state, specName);
  return keys.map((key) => {
    const unit = findUnit(spec, key);
    return unit ? unitStatusView(unit, withData) : null;
  });
}
