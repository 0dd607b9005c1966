import type { JobInput } from './job-spec.ts';
import type { JobState } from './job-state.ts';

/** A task that ended failed: its own code failed, or its node was lost more often than retries allow. */
export interface DeadTask {
  taskId: string;
  attempts: number;
  error?: string;
  exitCode?: number | null;
  nodeId?: string;
}

/** A job that ended with failed tasks and has not been redriven. */
export interface DeadJob {
  jobId: string;
  user: string;
  tasks: DeadTask[];
}

/**
 * A redrive is a new job whose id is the dead job's with this mark and a generation: derived, so a
 * second redrive of the same job is refused by the job log (the id exists), and so the view knows
 * a job was redriven from the jobs alone.
 */
export const REDRIVE_MARK = '-redrive-';

/** The first job of a redrive id and its generation, or undefined for a job that is no redrive. */
function redriveOf(jobId: string): { first: string; generation: number } | undefined {
  const at = jobId.lastIndexOf(REDRIVE_MARK);
  const generation = jobId.slice(at + REDRIVE_MARK.length);
  if (at <= 0 || !/^[1-9]\d*$/.test(generation)) return undefined;
  return { first: jobId.slice(0, at), generation: Number(generation) };
}

/** The job a redrive continues: the first job for generation 1, else the generation before. */
function predecessor(jobId: string): string | undefined {
  const redrive = redriveOf(jobId);
  if (!redrive) return undefined;
  return redrive.generation === 1
    ? redrive.first
    : `${redrive.first}${REDRIVE_MARK}${redrive.generation - 1}`;
}

/**
 * The dead letters among jobs: those that ended (completed or cancelled) with failed tasks, less
 * those a redrive job continues. `include` picks which jobs count (the pump's jobs do not: their
 * units' retries are the work spec's, and their dead letters are the units).
 */
export function deadJobs(
  states: Iterable<JobState>,
  include: (state: JobState) => boolean = () => true,
): DeadJob[] {
  const all = [...states].filter((s) => s.job !== undefined);
  const redriven = new Set(all.map((s) => predecessor(s.job!.id)).filter((id) => id !== undefined));
  const out: DeadJob[] = [];
  for (const state of all) {
    const job = state.job!;
    if (state.status !== 'completed' && state.status !== 'cancelled') continue;
    if (state.failed === 0 || redriven.has(job.id) || !include(state)) continue;
    const tasks: DeadTask[] = [];
    for (const [taskId, task] of state.tasks) {
      if (task.status !== 'failed') continue;
      tasks.push({
        taskId,
        attempts: task.attempts,
        ...(task.error !== undefined && { error: task.error }),
        ...(task.exitCode !== undefined && { exitCode: task.exitCode }),
        ...(task.nodeId !== undefined && { nodeId: task.nodeId }),
      });
    }
    out.push({ jobId: job.id, user: job.user, tasks });
  }
  return out;
}

/**
 * The job that redrives a dead one: its failed tasks again, under the same options, as the next
 * generation of its id. The submitter's reply subject is left out: whoever waited is gone.
 */
export function redriveJob(dead: JobState): JobInput {
  const job = dead.job!;
  const redrive = redriveOf(job.id);
  const first = redrive?.first ?? job.id;
  const generation = (redrive?.generation ?? 0) + 1;
  const failed = new Set([...dead.tasks].filter(([, t]) => t.status === 'failed').map(([id]) => id));
  return {
    id: `${first}${REDRIVE_MARK}${generation}`,
    user: job.user,
    priority: job.priority,
    probeRatio: job.probeRatio,
    maxRetries: job.maxRetries,
    labels: job.labels,
    ...(job.packing !== undefined && { packing: job.packing }),
    ...(job.limit !== undefined && { limit: job.limit }),
    tasks: job.tasks.filter((task) => failed.has(task.id)),
  };
}
