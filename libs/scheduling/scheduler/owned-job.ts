import { BoundTasks } from '../bound-tasks.ts';
import type { TaskTiming } from '../job-result.ts';
import type { JobSpec, TaskSpec } from '../job-spec.ts';
import type { JobState } from '../job-state.ts';
import type { LateBinding } from '../late-binding.ts';
import type { LaunchSpec } from '../launch-spec.ts';
import { largestDemand, type Resources } from '../resources.ts';

/** A task handed out and not reported ended yet: where, when (the frontend's clock), what it holds. */
export interface Launched {
  nodeId: string;
  at: number;
  resources: Resources;
}

/** A task sent to a node as a launch offer that the node has not answered yet. */
export interface Offered {
  nodeId: string;
  attemptId: string;
  at: number;
}

/**
 * A job a frontend schedules: its state as the log tells it (`state`, changed by the job decider's
 * events) and what only its owner keeps. It has one owner, the scheduler's evolve
 * (scheduler-evolve.ts): deciders read it, and nothing else writes it.
 */
export interface OwnedJob {
  readonly job: JobSpec;
  readonly state: JobState;
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  readonly binding: LateBinding;
  /** Tasks packed onto a node by their resources, each waiting for its reservation there. */
  readonly bound: BoundTasks;
  /** Tasks asking for resources that no node had free when last placed. */
  readonly waiting: Set<string>;
  /**
   * Tasks handed out and not yet reported ended. A node's advert shows them only from its next
   * heartbeat on, and packing must not count their slot and resources as free until then.
   */
  readonly launched: Map<string, Launched>;
  /**
   * Tasks sent to a node as launch offers that it has not answered yet: out of late binding, still
   * pending in the log until the node says it launched them.
   */
  readonly offered: Map<string, Offered>;
  /** Nodes that were sent reservations of this job (cancelled when it ends). */
  readonly holders: Set<string>;
  readonly timings: Map<string, TaskTiming>;
  /** What a reservation of this job holds at a node: the largest demand among its tasks. */
  readonly demand: Resources;
  /** Last time a task of it was handed out or re-placed (ms). */
  lastProgress: number;
  /** When this frontend took it on (ms). */
  readonly since: number;
  /** False until its submission is durable: nothing of it is placed again before. */
  durable: boolean;
}

export function ownedJob(
  job: JobSpec,
  state: JobState,
  binding: LateBinding,
  now: number,
  durable: boolean,
): OwnedJob {
  return {
    job,
    state,
    tasks: new Map(job.tasks.map((task) => [task.id, task])),
    binding,
    bound: new BoundTasks(),
    waiting: new Set(),
    launched: new Map(),
    offered: new Map(),
    holders: new Set(),
    timings: new Map(),
    demand: largestDemand(job.tasks),
    lastProgress: now,
    since: now,
    durable,
  };
}

export function tasksWithStatus(owned: OwnedJob, status: 'pending' | 'running'): string[] {
  const out: string[] = [];
  for (const [taskId, task] of owned.state.tasks) if (task.status === status) out.push(taskId);
  return out;
}

/** What a node monitor runs for this attempt of the task. */
export function launchSpec(owned: OwnedJob, taskId: string, attemptId: string): LaunchSpec {
  const task = owned.tasks.get(taskId)!;
  return {
    jobId: owned.job.id,
    taskId,
    attemptId,
    user: owned.job.user,
    resources: task.resources,
    ...(task.payload !== undefined && { payload: task.payload }),
    ...(task.command !== undefined && { command: task.command }),
    ...(owned.job.reply !== undefined && { reply: owned.job.reply }),
    ...(task.unit !== undefined && { unit: task.unit }),
  };
}
