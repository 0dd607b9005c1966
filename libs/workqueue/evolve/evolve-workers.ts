import type { WorkQueueEventData } from '../events.ts';
import { nextWorkerState } from '../lifecycle/tables.ts';
import type { NamespaceState, WorkerState } from '../state.ts';

function setParent(state: NamespaceState, worker: WorkerState, parent: string | null): void {
  if (worker.parent === parent) return;
  if (worker.parent !== null) {
    const siblings = state.childrenOf.get(worker.parent);
    siblings?.delete(worker.id);
    if (siblings?.size === 0) state.childrenOf.delete(worker.parent);
  }
  worker.parent = parent;
  if (parent !== null) {
    const children = state.childrenOf.get(parent);
    if (children) children.add(worker.id);
    else state.childrenOf.set(parent, new Set([worker.id]));
  }
}

export function applyWorkerHeartbeat(
  state: NamespaceState,
  e: WorkQueueEventData['WorkerHeartbeat'],
): boolean {
  let worker = state.workers.get(e.workerId);
  if (!worker) {
    worker = {
      id: e.workerId,
      wireId: e.wireId ?? e.workerId,
      internal: e.internal === true,
      lifecycle: 'unknown',
      mode: e.mode,
      data: e.data,
      parent: null,
      registeredAt: e.at,
      lastHeartbeatAt: e.at,
      expiresAt: e.expiresAt,
    };
    state.workers.set(worker.id, worker);
  }
  worker.lifecycle = nextWorkerState(worker.lifecycle, 'HEARTBEAT') ?? worker.lifecycle;
  worker.mode = e.mode;
  worker.data = e.data;
  worker.lastHeartbeatAt = e.at;
  worker.expiresAt = e.expiresAt;
  setParent(state, worker, e.parent);
  return true;
}

function forget(state: NamespaceState, workerId: string, how: 'UNREGISTER' | 'EXPIRE'): boolean {
  const worker = state.workers.get(workerId);
  if (!worker || !nextWorkerState(worker.lifecycle, how)) return false;
  setParent(state, worker, null);
  state.workers.delete(workerId);
  return true;
}

export function applyWorkerUnregistered(
  state: NamespaceState,
  e: WorkQueueEventData['WorkerUnregistered'],
): boolean {
  return forget(state, e.workerId, 'UNREGISTER');
}

export function applyWorkersExpired(state: NamespaceState, e: WorkQueueEventData['WorkersExpired']): boolean {
  let all = true;
  for (const id of e.workerIds) all = forget(state, id, 'EXPIRE') && all;
  return all;
}
