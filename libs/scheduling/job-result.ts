import type { JobStatus } from './job-machine.ts';
import type { JobState } from './job-state.ts';
import type { TaskStatus } from './task-machine.ts';

export interface TaskTiming {
  /** When the node monitor started the attempt and when it ended (ms, node monitor's clock). */
  startedAt: number;
  endedAt: number;
  /** When the reservation reached the node and getTask was sent (node monitor's clock). */
  reservedAt?: number;
  requestedAt?: number;
  /** When the frontend received the end report (frontend's clock). */
  reportedAt?: number;
}

export interface TaskResult {
  id: string;
  status: TaskStatus;
  attempts: number;
  nodeId?: string;
  exitCode?: number | null;
  error?: string;
  startedAt?: number;
  endedAt?: number;
  reservedAt?: number;
  requestedAt?: number;
  reportedAt?: number;
}

/** What a submitter learns about a job: on its watch subject when it ends, or by asking. */
export interface JobResult {
  jobId: string;
  status: JobStatus;
  /** The frontend scheduling it (after an adoption, the adopter). */
  frontendId?: string;
  finished: number;
  failed: number;
  /** Tasks that never started within the job's time to live (absent when none). */
  expired?: number;
  /** When a waiting job is placed, and when its unstarted tasks expire (ms since the epoch). */
  notBefore?: number;
  expiresAt?: number;
  /** Set when the job was cancelled. */
  reason?: string;
  tasks: TaskResult[];
}

/** Past this many tasks a result carries counts only, to stay well inside one message. */
export const MAX_TASKS_IN_RESULT = 5_000;

export function jobResult(
  jobId: string,
  state: JobState,
  timings?: ReadonlyMap<string, TaskTiming>,
  reason?: string,
): JobResult {
  const tasks: TaskResult[] = [];
  if (state.tasks.size <= MAX_TASKS_IN_RESULT) {
    for (const [id, task] of state.tasks) {
      const timing = timings?.get(id);
      tasks.push({
        id,
        status: task.status,
        attempts: task.attempts,
        ...(task.nodeId !== undefined && { nodeId: task.nodeId }),
        ...(task.exitCode !== undefined && { exitCode: task.exitCode }),
        ...(task.error !== undefined && { error: task.error }),
        ...timing,
      });
    }
  }
  return {
    jobId,
    status: state.status,
    ...(state.frontendId !== undefined && { frontendId: state.frontendId }),
    finished: state.finished,
    failed: state.failed,
    ...(state.expired > 0 && { expired: state.expired }),
    ...(state.job?.notBefore !== undefined && { notBefore: state.job.notBefore }),
    ...(state.job?.expiresAt !== undefined && { expiresAt: state.job.expiresAt }),
    ...(reason !== undefined && { reason }),
    tasks,
  };
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}
