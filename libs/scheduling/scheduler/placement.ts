import { perTaskSampling, randomPlacement } from '../baseline-placement.ts';
import type { JobSpec, TaskSpec } from '../job-spec.ts';
import { type BindableTask, LateBinding } from '../late-binding.ts';
import type { NodeView } from '../node-view.ts';
import { type LoadOf, planProbes, type Reservation } from '../probe-plan.ts';
import type { Random } from '../random.ts';
import { asksForResources, type Committed, packTasks } from '../resource-packing.ts';
import { NO_RESOURCES } from '../resources.ts';

/** How a frontend places tasks: Sparrow's batch sampling with late binding, or a baseline. */
export type PlacementMode = 'batch' | 'random' | 'per-task';

export interface JobPlacement {
  binding: LateBinding;
  /** Reservations for late binding. */
  reservations: Reservation[];
  /** One per packed task, holding exactly its resources at its node. */
  packedReservations: Reservation[];
  /** Tasks no node in the view can run right now. */
  unplaceable: string[];
  /** Tasks asking for resources, packed onto the node they are bound to. */
  packed: Array<{ taskId: string; nodeId: string }>;
  /** Tasks asking for resources that no node has free right now: placed again as resources free up. */
  waiting: string[];
}

type Packed = Pick<JobPlacement, 'packedReservations' | 'packed' | 'waiting' | 'unplaceable'>;

/** One reservation per packed task, holding exactly its resources at its node. */
function packedPlacement(
  job: JobSpec,
  tasks: readonly TaskSpec[],
  nodes: readonly NodeView[],
  committed: ReadonlyMap<string, Committed>,
): Packed {
  if (tasks.length === 0) return { packedReservations: [], packed: [], waiting: [], unplaceable: [] };
  const packing = packTasks(job, tasks, nodes, committed);
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const packedReservations = packing.assignments.map(({ taskId, nodeId }) => ({
    nodeId,
    count: 1,
    resources: byId.get(taskId)!.resources,
  }));
  return {
    packedReservations,
    packed: packing.assignments,
    waiting: packing.waiting,
    unplaceable: packing.unplaceable,
  };
}

/** Reservations for tasks that ask for nothing hold nothing at the node. */
function holdingNothing(reservations: readonly Reservation[]): Reservation[] {
  return reservations.map((r) => ({ ...r, resources: NO_RESOURCES }));
}

/**
 * Batch sampling for the tasks that ask for no resources: ceil(d·m) reservations, and late binding
 * hands them out to the first callers. Tasks asking for resources are bin-packed onto the free
 * resources the nodes advertise, less `committed` (what this frontend gave out there that the adverts
 * do not show yet).
 */
export function batchPlacement(
  job: JobSpec,
  nodes: readonly NodeView[],
  random: Random,
  committed: ReadonlyMap<string, Committed>,
  loadOf?: LoadOf,
): JobPlacement {
  const plain = job.tasks.filter((task) => !asksForResources(task));
  const plan = planProbes({ ...job, tasks: plain }, nodes, random, loadOf);
  const sized = packedPlacement(job, job.tasks.filter(asksForResources), nodes, committed);
  return {
    binding: LateBinding.fromPlan(
      plain.map((task) => task.id),
      plan,
    ),
    reservations: holdingNothing(plan.reservations),
    ...sized,
    unplaceable: [...plan.unplaceable, ...sized.unplaceable],
  };
}

/**
 * The baselines bind each task to one node up front; they still travel as reservations, so the
 * node monitor's queue and getTask are the same and only the placement decision differs.
 */
export function boundPlacement(
  job: JobSpec,
  nodes: readonly NodeView[],
  random: Random,
  mode: 'random' | 'per-task',
): JobPlacement {
  const placement =
    mode === 'random' ? randomPlacement(job, nodes, random) : perTaskSampling(job, nodes, random);
  const tasks: BindableTask[] = placement.assignments.map(({ taskId, nodeId }) => ({
    id: taskId,
    allowedNodes: [nodeId],
  }));
  const counts = new Map<string, number>();
  for (const { nodeId } of placement.assignments) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  const reservations = [...counts].map(([nodeId, count]) => ({ nodeId, count }));
  return {
    binding: new LateBinding(tasks, reservations, []),
    reservations,
    packedReservations: [],
    unplaceable: placement.unplaceable,
    packed: [],
    waiting: [],
  };
}

export interface Replacement extends Packed {
  /** Tasks for late binding, with the nodes that hold reservations for them. */
  tasks: BindableTask[];
  /** Reservations for late binding. */
  reservations: Reservation[];
}

/**
 * Re-places tasks that went back to waiting (a retried attempt, an adopted job, a task no node
 * had room for). With `committed` (batch mode) tasks asking for resources are packed, as on submit,
 * and with `loadOf` the probes prefer lighter nodes.
 */
export function replaceTasks(
  job: JobSpec,
  taskIds: readonly string[],
  nodes: readonly NodeView[],
  random: Random,
  committed?: ReadonlyMap<string, Committed>,
  loadOf?: LoadOf,
): Replacement {
  const wanted = new Set(taskIds);
  const chosen = job.tasks.filter((task) => wanted.has(task.id));
  const plain = committed ? chosen.filter((task) => !asksForResources(task)) : chosen;
  const plan = planProbes({ ...job, tasks: plain }, nodes, random, loadOf);
  const tasks = plain
    .filter((task) => !plan.unplaceable.includes(task.id))
    .map((task) => ({ id: task.id, allowedNodes: plan.constrained.get(task.id) ?? plan.batchNodes }));
  if (!committed) {
    const none = { packedReservations: [], packed: [], waiting: [] };
    return { tasks, reservations: plan.reservations, unplaceable: plan.unplaceable, ...none };
  }
  const sized = packedPlacement(job, chosen.filter(asksForResources), nodes, committed);
  return {
    tasks,
    reservations: holdingNothing(plan.reservations),
    ...sized,
    unplaceable: [...plan.unplaceable, ...sized.unplaceable],
  };
}
