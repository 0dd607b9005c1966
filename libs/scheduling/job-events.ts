import type { NewEvent } from '@passerine/core';
import type { JobSpec } from './job-spec.ts';

export type JobSubmitted = NewEvent<'JobSubmitted', { job: JobSpec; frontendId: string }>;
/** A node monitor's getTask was answered with this task: one attempt, on one node. */
export type TaskLaunched = NewEvent<
  'TaskLaunched',
  { jobId: string; taskId: string; nodeId: string; attemptId: string }
>;
export type TaskFinished = NewEvent<
  'TaskFinished',
  { jobId: string; taskId: string; attemptId: string; exitCode: number }
>;
export type TaskFailed = NewEvent<
  'TaskFailed',
  {
    jobId: string;
    taskId: string;
    attemptId?: string;
    exitCode: number | null;
    signal: string | null;
    error?: string;
  }
>;
/** The attempt was lost with its node; the task waits for another getTask. */
export type TaskRetried = NewEvent<
  'TaskRetried',
  { jobId: string; taskId: string; attemptId: string; reason: string }
>;
/** A job submitted with a not-before time reached it: its tasks are placed from now on. */
export type JobReleased = NewEvent<'JobReleased', { jobId: string }>;
/** The job's time to live ran out before the task ever started: it will not run. */
export type TaskExpired = NewEvent<'TaskExpired', { jobId: string; taskId: string; reason: string }>;
export type JobCancelled = NewEvent<'JobCancelled', { jobId: string; reason: string }>;
export type JobCompleted = NewEvent<
  'JobCompleted',
  { jobId: string; finished: number; failed: number; expired?: number }
>;
/** Another frontend took the job over after its own frontend died. */
export type JobAdopted = NewEvent<
  'JobAdopted',
  { jobId: string; frontendId: string; previousFrontendId: string }
>;

export type JobEvent =
  | JobSubmitted
  | TaskLaunched
  | TaskFinished
  | TaskFailed
  | TaskRetried
  | JobReleased
  | TaskExpired
  | JobCancelled
  | JobCompleted
  | JobAdopted;

export type JobEventType = JobEvent['type'];
