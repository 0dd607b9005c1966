import {
  BoundTasks,
  type JobSpec,
  type JobState,
  largestDemand,
  type LateBinding,
  type Resources,
  type TaskSpec,
  type TaskTiming,
} from '@passerine/scheduling';
import type { LaunchSpec } from '@passerine/scheduling-protocol';

/** A job this frontend schedules: its state as the log says, and what only the owner keeps. */
export interface OwnedJob {
  job: JobSpec;
  state: JobState;
  tasks: Map<string, TaskSpec>;
  binding: LateBinding;
  /** Tasks packed onto a node by their resources, each waiting for its reservation there. */
  bound: BoundTasks;
  /** Tasks asking for resources that no node had free when last placed. */
  waiting: Set<string>;
  /**
   * Tasks handed out and not yet reported ended: where, when (this frontend's clock) and what they
   * hold. A node's advert shows them only from its next heartbeat on, and packing must not count
   * their slot and resources as free until then.
   */
  launched: Map<string, { nodeId: string; at: number; resources: Resources }>;
  /** The submit append, until it is acknowledged: no task launches before the job is durable. */
  durable?: Promise<void>;
  /**
   * Tasks sent to a node as launch offers that it has not answered yet: out of late binding, still
   * pending in the log until the node says it launched them.
   */
  offered: Map<string, { nodeId: string; attemptId: string; at: number }>;
  /** Nodes that were sent reservations of this job (cancelled when it ends). */
  holders: Set<string>;
  timings: Map<string, TaskTiming>;
  /** What a reservation of this job holds at a node: the largest demand among its tasks. */
  demand: Resources;
  /** Last time a task of it was handed out or re-placed (ms). */
  lastProgress: number;
  /** When this frontend took it on (ms). */
  since: number;
}

export function ownedJob(job: JobSpec, state: JobState, binding: LateBinding, now: number): OwnedJob {
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
  };
}
