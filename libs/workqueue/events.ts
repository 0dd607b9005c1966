import type { NewEvent } from '@passerine/core';
import { currentVersion } from './event-versions.ts';
import type { Name } from './keys.ts';
import type { WorkSpecControls, WorkSpecMeta } from './spec-meta.ts';

/**
 * Every event carries all that was decided (ids, times, chosen units, tracebacks), so `evolve`
 * needs nothing but the event and the state before it. Times are ms since the epoch.
 * Keys and names keep their kind (text or bytes) exactly as they came.
 */
export interface UnitToAdd {
  key: Name;
  data: Uint8Array;
  priority: number;
  /** Not takeable before this (ms); absent or past: at once. */
  notBefore?: number;
  /** Not started by then (ms), the unit is recorded as expired (FAILED, UnitsExpired). */
  expiresAt?: number;
}

export interface ExpiredAttempt {
  id: string;
  spec: Name;
  key: Name;
  /** Present when the unit has now been tried too often: it fails with this traceback. */
  traceback?: string;
}

export interface WorkQueueEventData {
  WorkSpecSet: { name: Name; data: Uint8Array; meta: WorkSpecMeta };
  /** v2; v1 named the spec `name` (event-versions.ts). */
  WorkSpecDeleted: { spec: Name; at: number };
  WorkSpecControlled: { name: Name; changes: WorkSpecControls };
  /** New keys are added, existing keys overwritten (back to AVAILABLE, any pending attempt abandoned). */
  WorkUnitsAdded: {
    spec: Name;
    at: number;
    units: UnitToAdd[];
    continuous?: boolean;
    /** Made under an idempotency key: a repeat of the same add within the key's window does nothing. */
    idempotency?: { key: string; digest: string };
  };
  /** `priority` sets, else `adjustment` adds. */
  WorkUnitsPrioritized: { spec: Name; keys: Name[]; priority?: number; adjustment?: number };
  /** Deletes the units matching the filter as the state stood: `all`, else `keys` and/or `statuses`. */
  WorkUnitsDeleted: {
    spec: Name;
    at: number;
    all?: boolean;
    keys?: Name[];
    statuses?: number[];
    count: number;
  };
  /** A status change made outside any attempt (update_work_unit on a unit nobody holds). */
  WorkUnitStatusSet: {
    spec: Name;
    key: Name;
    at: number;
    status: 1 | 4 | 5;
    data?: Uint8Array;
    traceback?: string;
  };
  AttemptsStarted: {
    spec: Name;
    workerId: string;
    at: number;
    expiresAt: number;
    attempts: Array<{ id: string; key: Name }>;
    /** A get_work of a spec with an interval: a continuous one gives nothing until it has passed. */
    paces?: boolean;
  };
  AttemptRenewed: { id: string; spec: Name; key: Name; at: number; expiresAt: number; data?: Uint8Array };
  AttemptFinished: { id: string; spec: Name; key: Name; at: number; data?: Uint8Array };
  AttemptFailed: { id: string; spec: Name; key: Name; at: number; data?: Uint8Array; traceback?: string };
  /** The unit is AVAILABLE again from `availableAt` (= `at` when there is no delay). */
  AttemptRetried: { id: string; spec: Name; key: Name; at: number; availableAt: number; data?: Uint8Array };
  AttemptsExpired: { at: number; reason: 'lease' | 'worker'; attempts: ExpiredAttempt[] };
  /** Delayed units whose time has come. */
  UnitsReleased: { at: number; units: Array<{ spec: Name; key: Name }> };
  WorkerHeartbeat: {
    workerId: string;
    /** The id as given when it is not `workerId` itself (a byte string). */
    wireId?: Name;
    internal?: boolean;
    at: number;
    mode: Name | null;
    /** 0 = never expires. */
    expiresAt: number;
    data: Uint8Array;
    parent: string | null;
  };
  WorkerUnregistered: { workerId: string; at: number };
  WorkersExpired: { at: number; workerIds: string[] };
  /** FINISHED/FAILED units that ended before `before` are forgotten (all specs when `spec` is absent). */
  UnitsArchived: { at: number; before: number; spec?: Name; count: number };
  NamespaceCleared: { at: number; specCount: number };
  /** Units whose time to live ended before any worker took them: FAILED, with the reason. */
  UnitsExpired: { at: number; units: Array<{ spec: Name; key: Name }> };
  /** Ended units a spec's retention let go: they leave memory, their history stays in the log. */
  UnitsRetired: { spec: Name; at: number; keys: Name[] };
}

export type WorkQueueEventType = keyof WorkQueueEventData;

export type WorkQueueEvent = {
  [T in WorkQueueEventType]: NewEvent<T, WorkQueueEventData[T]>;
}[WorkQueueEventType];

export const workQueueEventTypes: readonly WorkQueueEventType[] = [
  'WorkSpecSet',
  'WorkSpecDeleted',
  'WorkSpecControlled',
  'WorkUnitsAdded',
  'WorkUnitsPrioritized',
  'WorkUnitsDeleted',
  'WorkUnitStatusSet',
  'AttemptsStarted',
  'AttemptRenewed',
  'AttemptFinished',
  'AttemptFailed',
  'AttemptRetried',
  'AttemptsExpired',
  'UnitsReleased',
  'WorkerHeartbeat',
  'WorkerUnregistered',
  'WorkersExpired',
  'UnitsArchived',
  'NamespaceCleared',
  'UnitsRetired',
  'UnitsExpired',
];

/** A decided event, marked with its version when that is past v1 (the envelope's default). */
export function event<T extends WorkQueueEventType>(
  type: T,
  data: WorkQueueEventData[T],
): NewEvent<T, WorkQueueEventData[T]> {
  const v = currentVersion(type);
  return v === 1 ? { type, data } : { type, v, data };
}
