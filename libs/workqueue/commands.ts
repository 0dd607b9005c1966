import type { Name } from './keys.ts';
import type { WorkSpecControls, WorkSpecMeta } from './spec-meta.ts';

/**
 * Commands, one per Coordinate write plus the timer's ticks. Leases, delays, intervals and ages
 * are in seconds like Coordinate's; decided times in events are ms.
 * Values arrive decoded but unchecked: `decide` validates every field it reads.
 */
export interface UnitOutput {
  key: Name;
  data: Uint8Array;
  priority?: number;
  /** Seconds since the epoch before which nobody gets the unit; in the past: at once. */
  notBefore?: number | null;
  /** Seconds since the epoch by which it must have started, else it is recorded as expired. */
  expiresAt?: number | null;
}

/**
 * An attempt by id. Only pending attempts are indexed by id (memory); when the caller also names
 * the unit, an attempt that already ended is recognised and refused as IllegalStateError rather
 * than NotFoundError.
 */
export interface AttemptRef {
  attemptId: string;
  spec?: Name | null;
  key?: Name | null;
}

export interface WorkQueueCommandData {
  SetWorkSpec: { name: Name; data: Uint8Array; meta?: Partial<WorkSpecMeta> };
  DeleteWorkSpec: { name: Name };
  /**
   * `declaredContinuous`: whether the spec's dict says `continuous` (the edge reads it); a spec
   * whose dict does not cannot be made continuous, as in the original.
   */
  ControlWorkSpec: { name: Name; changes: WorkSpecControls; declaredContinuous?: boolean };
  AddWorkUnits: {
    spec: Name;
    units: UnitOutput[];
    /** A repeat of the same add under this key within its window does nothing; other content is refused. */
    idempotencyKey?: string | null;
  };
  PrioritizeWorkUnits: { spec: Name; keys: Name[]; priority?: number | null; adjustment?: number | null };
  /** Empty options delete nothing (decide throws ValidationError 'no usable options to del_work_units'). */
  DeleteWorkUnits: { spec: Name; all?: boolean; keys?: Name[] | null; state?: number | number[] | null };
  /**
   * Coordinate's update_work_unit. Neither lease nor status: ValidationError 'nothing to do'.
   * `outputs` is data['output'] already extracted by the edge, used when the unit finishes.
   */
  UpdateWorkUnit: {
    spec: Name;
    key: Name;
    leaseSeconds?: number | null;
    status?: number | null;
    data?: Uint8Array | null;
    /** Held by another worker: refused (a lease is renewed or taken by its own worker only). */
    workerId?: string | null;
    /**
     * The worker the update says it comes from, where any worker may end a unit (Coordinate's
     * update_work_unit): refused only when that worker's lease was lost to a later attempt.
     * `workerId` is fenced the same way.
     */
    fromWorkerId?: string | null;
    outputs?: UnitOutput[] | null;
    /** data['traceback'] extracted by the edge, kept with a FAILED unit. */
    traceback?: string | null;
  };
  GetWork: {
    workerId: string;
    maxJobs?: number;
    leaseSeconds?: number | null;
    workSpecNames?: Name[] | null;
    availableGb?: number | null;
  };
  RenewAttempt: AttemptRef & { leaseSeconds?: number | null; data?: Uint8Array | null };
  FinishAttempt: AttemptRef & { data?: Uint8Array | null; outputs?: UnitOutput[] | null };
  FailAttempt: AttemptRef & { data?: Uint8Array | null; traceback?: string | null };
  RetryAttempt: AttemptRef & { data?: Uint8Array | null; delaySeconds?: number | null };
  RecordWorkerHeartbeat: {
    workerId: string;
    /** The id as the worker gave it, when that is a byte string. */
    wireId?: Name | null;
    /** Passerine's own worker (a frontend's pump): not listed among the namespace's workers. */
    internal?: boolean;
    mode?: Name | null;
    /** Absent: the worker does not expire; otherwise it does after this long (0: at once). */
    expireSeconds?: number | null;
    data?: Uint8Array | null;
    parent?: string | null;
  };
  UnregisterWorker: { workerId: string };
  ClearNamespace: Record<string, never>;
  /** Forget FINISHED/FAILED units that ended more than maxAgeSeconds ago (0 = all of them). */
  ArchiveWorkUnits: { maxAgeSeconds: number; spec?: Name | null };
  /** Timer: pending attempts whose lease ran out, at most `limit` (default 10,000) per call. */
  ExpireLeases: { limit?: number };
  /** Timer: workers whose heartbeat ran out; their pending attempts expire with them. */
  ExpireWorkers: Record<string, never>;
  /** Timer: delayed units whose delay is over become takeable. */
  ReleaseDelayedUnits: { limit?: number };
  /** Timer: FINISHED/FAILED units past their spec's retention (age or count) leave memory. */
  ApplyRetention: { limit?: number };
  /** Timer: AVAILABLE units whose time to live has ended are recorded as expired. */
  ExpireUnits: { limit?: number };
}

export type WorkQueueCommandType = keyof WorkQueueCommandData;

export type WorkQueueCommand = {
  [T in WorkQueueCommandType]: { type: T } & WorkQueueCommandData[T];
}[WorkQueueCommandType];

export type CommandOf<T extends WorkQueueCommandType> = Extract<WorkQueueCommand, { type: T }>;

export interface DecideContext {
  /** ms since the epoch. */
  now: number;
  nextId: () => string;
  /** Uniform in [0, 1). */
  random: () => number;
}
