import {
  BoundTasks,
  type JobSpec,
  type JobState,
  type LateBinding,
  type Resources,
  type TaskSpec,
} from '@passerine/scheduling';
import type { TaskTiming } from './job-result.ts';

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

export function largestDemand(job: JobSpec): Resources {
  const out = { cpus: 0, memMb: 0, diskMb: 0 };
  for (const { resources } of job.tasks) {
    out.cpus = Math.max(out.cpus, resources.cpus);
    out.memMb = Math.max(out.memMb, resources.memMb);
    out.diskMb = Math.max(out.diskMb, resources.diskMb);
  }
  return out;
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
    holders: new Set(),
    timings: new Map(),
    demand: largestDemand(job),
    lastProgress: now,
    since: now,
  };
}

export function tasksWithStatus(owned: OwnedJob, status: 'pending' | 'running'): string[] {
  const out: string[] = [];
  for (const [taskId, task] of owned.state.tasks) if (task.status === status) out.push(taskId);
  return out;
}
