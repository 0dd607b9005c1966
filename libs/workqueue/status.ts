/** Coordinate's work unit status numbers, as they go over the wire. */
export const WorkUnitStatus = {
  AVAILABLE: 1,
  /** Defined by Coordinate and never used by it; Passerine does not produce it either. */
  BLOCKED: 2,
  PENDING: 3,
  FINISHED: 4,
  FAILED: 5,
} as const;
export type WorkUnitStatus = (typeof WorkUnitStatus)[keyof typeof WorkUnitStatus];

export const ALL_UNIT_STATUSES: readonly WorkUnitStatus[] = [1, 2, 3, 4, 5];

export function isUnitStatus(value: unknown): value is WorkUnitStatus {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

/** Work spec run status for control_work_spec. */
export const WorkSpecStatus = { RUNNABLE: 1, PAUSED: 2 } as const;
export type WorkSpecStatus = (typeof WorkSpecStatus)[keyof typeof WorkSpecStatus];

export type AttemptStatus = 'pending' | 'expired' | 'finished' | 'failed' | 'retryable';

export const WorkerMode = { RUN: 'RUN', IDLE: 'IDLE', TERMINATE: 'TERMINATE' } as const;
export type WorkerMode = string;

/** Leases are given in seconds, like Coordinate; the server clamps them. */
export const leaseLimits = { defaultSeconds: 300, minSeconds: 1, maxSeconds: 86_400 } as const;
