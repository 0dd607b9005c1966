import type { NamespaceState } from '../state.ts';

/** get_worker_info: the worker's data dict (CBOR), null for an unknown worker. */
export function getWorkerInfo(state: NamespaceState, workerId: string): Uint8Array | null {
  return state.workers.get(workerId)?.data ?? null;
}

/** list_worker_modes: worker id → mode. */
export function listWorkerModes(state: NamespaceState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of state.workers.values()) out[w.id] = w.mode;
  return out;
}

/** mode_counts: mode → number of workers in it. */
export function modeCounts(state: NamespaceState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of state.workers.values()) out[w.mode] = (out[w.mode] ?? 0) + 1;
  return out;
}

export function workerStats(state: NamespaceState): {
  num_workers: number;
  num_children: number;
  num_expirable: number;
} {
  let children = 0;
  let expirable = 0;
  for (const w of state.workers.values()) {
    if (w.parent !== null) children++;
    if (w.expiresAt > 0) expirable++;
  }
  return { num_workers: state.workers.size, num_children: children, num_expirable: expirable };
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
