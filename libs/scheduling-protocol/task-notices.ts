import type { ExecutionStatus } from '@passerine/executors';

/**
 * Node monitor → submitter, on the job's reply subject (JobSpec.reply): an attempt started (sent
 * only when the job asked for starts) and how it ended. Each message is an array of notices (those
 * of one turn of the node). They are notices, not the record: the job's log is, and the job's end
 * on its watch subject covers a notice that never came.
 */
export interface TaskStarted {
  type: 'started';
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  startedAt: number;
}

export interface TaskOutcome {
  type: 'ended';
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  status: ExecutionStatus;
  exitCode: number | null;
  signal: string | null;
  /** Why it failed, in words. */
  error?: string;
  /** The remote error's class name and stack, when the task's own code threw. */
  errorName?: string;
  remoteStack?: string;
  /** The task could not be set up (unknown module or export, no container engine, bad source). */
  setup?: boolean;
  /** A function task's result, msgpack. */
  value?: Uint8Array;
  /** What the task wrote, each cut at TASK_LIMITS.maxCapturedBytes (flagged when cut). */
  stdout: string;
  stderr: string;
  stdoutTruncated?: boolean;
  stderrTruncated?: boolean;
  startedAt: number;
  endedAt: number;
}

export type TaskNotice = TaskStarted | TaskOutcome;
