import type { NewEvent } from '@passerine/core';
import type { BatchTask } from './batch-task.ts';
import type { RetryPolicy } from './definition.ts';

/** How a run came about: Scalegrease's manual, scheduled and induced dispatch, and backfills. */
export type RunKind = 'schedule' | 'trigger' | 'manual' | 'backfill';

/** What every admission event says of the run it decides. */
export interface RunIdentity {
  runId: string;
  job: string;
  kind: RunKind;
  params: Record<string, string>;
  tick?: number;
  partition?: string;
}

/**
 * Admission events go on the job's admission subject, appended fenced on its last sequence: of
 * dispatchers deciding at once, one lands, and a tick or partition is decided exactly once.
 */
export type AdmissionEvent =
  | NewEvent<
      'RunDispatched',
      RunIdentity & {
        version: number;
        task: BatchTask;
        retries: RetryPolicy;
        resources: Resources;
        labels: Record<string, string>;
      }
    >
  | NewEvent<'RunDropped', RunIdentity & { reason: string; backlog: number; bound: number }>
  | NewEvent<'RunRefused', RunIdentity & { reason: string }>;

export interface Resources {
  cpus: number;
  memMb: number;
  diskMb: number;
}

/** Outcome events go on the job's outcome subject; evolve ignores one that comes twice. */
export type OutcomeEvent =
  | NewEvent<
      'RunAttemptSubmitted',
      {
        runId: string;
        job: string;
        attempt: number;
        schedulerJobId: string;
        /** The artifact version the attempt runs, when its dispatcher resolved it. */
        artifact?: { version: string; digest: string };
      }
    >
  | NewEvent<
      'RunAttemptFailed',
      { runId: string; job: string; attempt: number; error: string; retryAt: number }
    >
  | NewEvent<'RunSucceeded', { runId: string; job: string; attempt: number }>
  | NewEvent<'RunFailed', { runId: string; job: string; attempts: number; error: string }>;

/** A data set's partition is there (on `names.batchDatasets`). */
export type DatasetEvent = NewEvent<'DatasetPartitionAnnounced', { dataset: string; partition: string }>;

export type RunEvent = AdmissionEvent | OutcomeEvent;

export const ADMISSION_EVENT_TYPES = new Set<string>(['RunDispatched', 'RunDropped', 'RunRefused']);
export const OUTCOME_EVENT_TYPES = new Set<string>([
  'RunAttemptSubmitted',
  'RunAttemptFailed',
  'RunSucceeded',
  'RunFailed',
]);

/** The scheduler job that carries one attempt of a run. */
export function schedulerJobId(runId: string, attempt: number): string {
  return `run:${runId}#${attempt}`;
}

/** The run and attempt a scheduler job id stands for, or undefined for a job that is no run's. */
export function runOfSchedulerJob(jobId: string): { runId: string; attempt: number } | undefined {
  const match = /^run:(.+)#(\d+)$/.exec(jobId);
  return match ? { runId: match[1], attempt: Number(match[2]) } : undefined;
}
