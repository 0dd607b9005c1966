import {
  type BindableTask,
  type JobSpec,
  LateBinding,
  type NodeView,
  perTaskSampling,
  planProbes,
  type Random,
  randomPlacement,
  type Reservation,
} from '@passerine/scheduling';

/** How a frontend places tasks: Sparrow's batch sampling with late binding, or a baseline. */
export type PlacementMode = 'batch' | 'random' | 'per-task';

export interface JobPlacement {
  binding: LateBinding;
  reservations: Reservation[];
  /** Tasks no node in the view can run right now. */
  unplaceable: string[];
}

/** Batch sampling: ceil(d·m) reservations; late binding hands out the tasks to the first callers. */
export function batchPlacement(job: JobSpec, nodes: readonly NodeView[], random: Random): JobPlacement {
  const plan = planProbes(job, nodes, random);
  return {
    binding: LateBinding.fromPlan(
      job.tasks.map((task) => task.id),
      plan,
    ),
    reservations: plan.reservations,
    unplaceable: plan.unplaceable,
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
    unplaceable: placement.unplaceable,
  };
}

/** Re-places tasks that went back to waiting (a retried attempt, an adopted job). */
export function replaceTasks(
  job: JobSpec,
  taskIds: readonly string[],
  nodes: readonly NodeView[],
  random: Random,
): { tasks: BindableTask[]; reservations: Reservation[]; unplaceable: string[] } {
  const wanted = new Set(taskIds);
  const subJob = { ...job, tasks: job.tasks.filter((task) => wanted.has(task.id)) };
  const plan = planProbes(subJob, nodes, random);
  const tasks = subJob.tasks
    .filter((task) => !plan.unplaceable.includes(task.id))
    .map((task) => ({ id: task.id, allowedNodes: plan.constrained.get(task.id) ?? plan.batchNodes }));
  return { tasks, reservations: plan.reservations, unplaceable: plan.unplaceable };
}
