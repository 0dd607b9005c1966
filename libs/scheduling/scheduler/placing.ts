import type { JobSpec, TaskSpec } from '../job-spec.ts';
import { asksForResources, type Committed, commit } from '../resource-packing.ts';
import type { Handling } from './handling.ts';
import type { OwnedJob } from './owned-job.ts';
import { batchPlacement, boundPlacement, type JobPlacement, replaceTasks } from './placement.ts';
import { send } from './reserving.ts';
import type { SchedulerEvent } from './scheduler-events.ts';
import type { SchedulerContext, SchedulerState } from './scheduler-state.ts';

type TasksPlaced = SchedulerEvent & { type: 'TasksPlaced' };

/** A new job's placement, by the frontend's placement mode. */
export function planJob(job: JobSpec, state: SchedulerState, context: SchedulerContext): JobPlacement {
  const nodes = context.nodes.live();
  return context.placement === 'batch'
    ? batchPlacement(job, nodes, context.random, committedFor(job.tasks, state, context), state.loads.loadOf)
    : boundPlacement(job, nodes, context.random, context.placement);
}

/**
 * Where these pending tasks of the job go again (retried, lost reservations, waiting for room), or
 * undefined when none may be placed now. A task offered to a node is placed again only once the
 * offer is answered or released.
 */
export function decidePlacement(
  owned: OwnedJob,
  pending: readonly string[],
  state: SchedulerState,
  context: SchedulerContext,
): TasksPlaced | undefined {
  const taskIds = owned.offered.size > 0 ? pending.filter((id) => !owned.offered.has(id)) : pending;
  if (taskIds.length === 0 || owned.state.status !== 'active') return undefined;
  const tasks = taskIds.flatMap((id) => owned.tasks.get(id) ?? []);
  const batch = context.placement === 'batch';
  // The tasks placed again are unbound first: what stays bound counts as committed at its node.
  const committed = batch ? committedFor(tasks, state, context, { owned, taskIds }) : undefined;
  const placed = replaceTasks(
    owned.job,
    taskIds,
    context.nodes.live(),
    context.random,
    committed,
    batch ? state.loads.loadOf : undefined,
  );
  return {
    type: 'TasksPlaced',
    job: owned,
    unbound: taskIds,
    tasks: placed.tasks,
    reservations: placed.reservations,
    packed: placed.packed,
    waiting: placed.waiting,
    send: [...placed.reservations, ...placed.packedReservations],
    at: context.now(),
  };
}

/** Places these tasks of the job again and sends their reservations. */
export function placeAgain(h: Handling, owned: OwnedJob, pending: readonly string[]): void {
  const placed = decidePlacement(owned, pending, h.state, h.context);
  if (!placed) return;
  h.apply(placed);
  send(h, owned, placed.send);
}

/**
 * Tasks that fit no node's free resources when placed: tried again, oldest job first. Called on
 * every task report, so it walks only the jobs that have such tasks, not every job.
 */
export function seekRoom(h: Handling): void {
  const { waitingForRoom } = h.state;
  if (waitingForRoom.size === 0) return;
  const jobs = [...waitingForRoom].sort((a, b) => a.since - b.since);
  const pending = jobs.map((owned) =>
    [...owned.waiting].filter((id) => owned.state.tasks.get(id)?.status === 'pending'),
  );
  h.apply({ type: 'RoomSought', jobs });
  for (let i = 0; i < jobs.length; i++) placeAgain(h, jobs[i], pending[i]);
}

/**
 * Slots and resources this frontend has given out at each node that the node's advert does not
 * show yet: tasks packed there and not started (but `except`'s, about to be placed again), and
 * tasks launched there since its last heartbeat. (The two clocks are assumed to agree to well
 * under a heartbeat; a skew only shifts for how long a launch is counted.)
 */
function committedFor(
  tasks: readonly TaskSpec[],
  state: SchedulerState,
  context: SchedulerContext,
  except?: { owned: OwnedJob; taskIds: readonly string[] },
): Map<string, Committed> {
  const committed = new Map<string, Committed>();
  // Only packing reads it: a batch of tasks that ask for no resources is sampled, not packed.
  if (!tasks.some(asksForResources)) return committed;
  const unbound = except && new Set(except.taskIds);
  for (const owned of state.jobs.values()) {
    owned.bound.addCommitted(committed, owned === except?.owned ? unbound : undefined);
    for (const { nodeId, at, resources } of owned.launched.values()) {
      const advertisedAt = context.nodes.get(nodeId)?.lastHeartbeat;
      if (advertisedAt !== undefined && at >= advertisedAt) commit(committed, nodeId, resources);
    }
  }
  return committed;
}
