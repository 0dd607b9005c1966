import type { ExecutionResult } from '@passerine/executors';
import type { LaunchSpec, LoadReply, TaskEndedReport } from '@passerine/scheduling-protocol';

/** When a task's reservation arrived, its task was asked for, and the task started and ended. */
export interface TaskTimes {
  reservedAt?: number;
  requestedAt: number;
  startedAt: number;
  endedAt: number;
}

/** What a node monitor tells a task's frontend about its end. */
export function endedReport(
  spec: LaunchSpec,
  nodeId: string,
  result: ExecutionResult,
  times: TaskTimes,
  load: LoadReply,
): TaskEndedReport {
  return {
    jobId: spec.jobId,
    taskId: spec.taskId,
    attemptId: spec.attemptId,
    nodeId,
    status: result.status,
    exitCode: result.exitCode,
    signal: result.signal,
    startedAt: times.startedAt,
    endedAt: times.endedAt,
    ...(times.reservedAt !== undefined && { reservedAt: times.reservedAt }),
    requestedAt: times.requestedAt,
    ...(result.error !== undefined && { error: result.error }),
    load,
  };
}
