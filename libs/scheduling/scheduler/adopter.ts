import type { JobState } from '../job-state.ts';
/**
 * Which live frontend adopts the jobs of a dead one: every frontend computes the same answer from
 * the same membership, so exactly one of them reads the log (the fenced append settles any race).
 */
export function chooseAdopter(deadId: string, liveIds: readonly string[]): string | undefined {
  const sorted = [...liveIds].sort();
  if (sorted.length === 0) return undefined;
  let hash = 0;
  for (let i = 0; i < deadId.length; i++) hash = (hash * 31 + deadId.charCodeAt(i)) >>> 0;
  return sorted[hash % sorted.length];
}

/** Where an adopter must stop runs its log does not know of, and which runs it knows. */
export interface UnrecordedRunsStop {
  nodeIds: string[];
  /** The attempts the log records as running: they go on, and report to the adopter. */
  keepAttempts: string[];
}

/**
 * A frontend records a launch without waiting for it to be durable (the task starts at once), so
 * a frontend that dies may leave runs the log does not know of: tasks the log shows as waiting
 * may be running somewhere. Before an adopter places those tasks again, every live node stops the
 * job's runs it cannot account for, so no task runs twice at the same time. Nothing to stop when
 * no task of the job is waiting.
 */
export function unrecordedRunsStop(
  job: JobState,
  liveNodeIds: readonly string[],
): UnrecordedRunsStop | undefined {
  let waiting = false;
  const keepAttempts: string[] = [];
  for (const task of job.tasks.values()) {
    if (task.status === 'pending') waiting = true;
    else if (task.status === 'running' && task.attemptId) keepAttempts.push(task.attemptId);
  }
  if (!waiting || liveNodeIds.length === 0) return undefined;
  return { nodeIds: [...liveNodeIds], keepAttempts };
}
