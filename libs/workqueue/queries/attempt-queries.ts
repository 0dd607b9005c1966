import type { NewEvent } from '@passerine/core';
import type { WorkQueueEventData } from '../events.ts';
import { type Name, nameOfCanonical } from '../keys.ts';
import { findUnit, requireSpec } from '../lookup.ts';
import { unpackBytes } from '../opaque-bytes.ts';
import type { AttemptState, NamespaceState } from '../state.ts';
import type { AttemptStatus } from '../status.ts';

export interface AttemptView {
  id: string;
  work_spec_name: Name;
  work_unit_key: Name;
  worker_id: string;
  status: AttemptStatus;
  /** ms */
  started: number;
  expires: number;
  /** 0 while pending. */
  ended: number;
  /** The data the attempt ended with, when it brought new data. */
  data: Uint8Array | null;
  traceback: string | null;
}

export function attemptView(state: NamespaceState, attempt: AttemptState): AttemptView {
  const spec = state.specs.get(attempt.unit.specId);
  return {
    id: attempt.id,
    work_spec_name: spec ? spec.name : nameOfCanonical(attempt.unit.specId),
    work_unit_key: nameOfCanonical(attempt.unit.key),
    worker_id: attempt.workerId,
    status: attempt.status,
    started: attempt.startedAt,
    expires: attempt.expiresAt,
    ended: attempt.endedAt,
    data: attempt.data === null ? null : unpackBytes(attempt.data),
    traceback: attempt.traceback,
  };
}

/** Every attempt of a unit, newest first. */
export function attemptHistory(state: NamespaceState, specName: Name, key: Name): AttemptView[] {
  const spec = requireSpec(state, specName);
  const out: AttemptView[] = [];
  for (let a = findUnit(spec, key)?.last ?? null; a !== null; a = a.prev) out.push(attemptView(state, a));
  return out;
}

/** The attempts a worker holds now. */
export function workerAttempts(state: NamespaceState, workerId: string): AttemptView[] {
  return [...(state.pendingByWorker.get(workerId) ?? [])].map((a) => attemptView(state, a));
}

export interface StartedWork {
  work_spec_name: Name;
  work_unit_key: Name;
  work_unit_data: Uint8Array;
  attempt_id: string;
  expires: number;
}

/**
 * What get_work answers, read back after its events were evolved: spec, key, data and attempt
 * id per unit that the AttemptsStarted event gave the worker.
 */
export function startedWork(state: NamespaceState, events: readonly NewEvent[]): StartedWork[] {
  const out: StartedWork[] = [];
  for (const e of events) {
    if (e.type !== 'AttemptsStarted') continue;
    const data = e.data as WorkQueueEventData['AttemptsStarted'];
    for (const started of data.attempts) {
      const attempt = state.pending.get(started.id);
      if (!attempt) continue;
      out.push({
        work_spec_name: data.spec,
        work_unit_key: started.key,
        work_unit_data: unpackBytes(attempt.unit.data),
        attempt_id: started.id,
        expires: attempt.expiresAt,
      });
    }
  }
  return out;
}

export interface ChildWorkUnit {
  work_spec_name: Name;
  work_unit_key: Name;
  work_unit_data: Uint8Array;
  worker_id: string;
  /** ms */
  expires: number;
}

/**
 * get_child_work_units: the pending units of each child of `parentId`, by child id; with `wire`,
 * [child id as the child gave it, units] pairs.
 */
export function getChildWorkUnits(state: NamespaceState, parentId: string): Record<string, ChildWorkUnit[]>;
export function getChildWorkUnits(
  state: NamespaceState,
  parentId: string,
  wire: true,
): Array<[Name, ChildWorkUnit[]]>;
export function getChildWorkUnits(
  state: NamespaceState,
  parentId: string,
  wire = false,
): Record<string, ChildWorkUnit[]> | Array<[Name, ChildWorkUnit[]]> {
  const pairs = childUnits(state, parentId);
  if (wire) return pairs.map(([child, units]) => [state.workers.get(child)?.wireId ?? child, units]);
  return Object.fromEntries(pairs);
}

function childUnits(state: NamespaceState, parentId: string): Array<[string, ChildWorkUnit[]]> {
  const out: Array<[string, ChildWorkUnit[]]> = [];
  for (const child of state.childrenOf.get(parentId) ?? []) {
    const units = [...(state.pendingByWorker.get(child) ?? [])].map((a) => {
      const view = attemptView(state, a);
      return {
        work_spec_name: view.work_spec_name,
        work_unit_key: view.work_unit_key,
        work_unit_data: unpackBytes(a.unit.data),
        worker_id: child,
        expires: a.expiresAt,
      };
    });
    out.push([child, units]);
  }
  return out;
}
