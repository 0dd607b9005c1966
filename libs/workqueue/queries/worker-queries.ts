import { canonicalName, identityOf, type Name } from '../keys.ts';
import type { NamespaceState, WorkerState } from '../state.ts';

/**
 * The namespace's workers as Coordinate lists them. Passerine's own workers (a frontend's pump)
 * are registered and expire like any other, but are not listed, counted or shown in the stats.
 */
function listed(state: NamespaceState): WorkerState[] {
  const out: WorkerState[] = [];
  for (const w of state.workers.values()) if (!w.internal) out.push(w);
  return out;
}

/** get_worker_info: the worker's data dict (CBOR), null for an unknown worker. */
export function getWorkerInfo(state: NamespaceState, workerId: string): Uint8Array | null {
  return state.workers.get(workerId)?.data ?? null;
}

const modeText = (mode: Name | null) =>
  mode === null ? 'None' : typeof mode === 'string' ? mode : Buffer.from(mode).toString('latin1');

/** list_worker_modes: worker id → mode (as text), or with `wire` [id, mode] as the workers gave them. */
export function listWorkerModes(state: NamespaceState): Record<string, string>;
export function listWorkerModes(state: NamespaceState, wire: true): Array<[Name, Name | null]>;
export function listWorkerModes(
  state: NamespaceState,
  wire = false,
): Record<string, string> | Array<[Name, Name | null]> {
  const workers = listed(state);
  if (wire) return workers.map((w) => [w.wireId, w.mode]);
  return Object.fromEntries(workers.map((w) => [w.id, modeText(w.mode)]));
}

/**
 * mode_counts: mode → number of workers in it; b'RUN' and u'RUN' are one mode, as in Python 2,
 * under the kind seen first. With `wire`, [mode, count] pairs with the modes as given.
 */
export function modeCounts(state: NamespaceState): Record<string, number>;
export function modeCounts(state: NamespaceState, wire: true): Array<[Name | null, number]>;
export function modeCounts(
  state: NamespaceState,
  wire = false,
): Record<string, number> | Array<[Name | null, number]> {
  const counts = new Map<string, [Name | null, number]>();
  for (const w of listed(state)) {
    const id = w.mode === null ? '' : identityOf(canonicalName(w.mode));
    const entry = counts.get(id);
    if (entry) entry[1]++;
    else counts.set(id, [w.mode, 1]);
  }
  if (wire) return [...counts.values()];
  return Object.fromEntries([...counts.values()].map(([mode, n]) => [modeText(mode), n]));
}

/**
 * worker_stats: workers, parents that have children (the original's `num_children` counts its
 * children dict, one entry per parent), and workers that expire.
 */
export function workerStats(state: NamespaceState): {
  num_workers: number;
  num_children: number;
  num_expirable: number;
} {
  const workers = listed(state);
  const parents = new Set<string>();
  let expirable = 0;
  for (const w of workers) {
    if (w.parent !== null) parents.add(w.parent);
    if (w.expiresAt > 0) expirable++;
  }
  return { num_workers: workers.length, num_children: parents.size, num_expirable: expirable };
}

/** A summary for dashboards and get_config-style answers. */
export function namespaceStats(state: NamespaceState) {
  let units = 0;
  for (const spec of state.specs.values()) units += spec.units.size;
  return {
    work_specs: state.specs.size,
    work_units: units,
    pending_attempts: state.pending.size,
    delayed_units: state.delayed.size,
    workers: state.workers.size,
    ignored_events: state.ignoredEvents,
  };
}
