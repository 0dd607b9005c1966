import type { JobSpec, TaskSpec } from './job-spec.ts';
import { type NodeView, nodeCanRun } from './node-view.ts';
import { type Random, randomIndex, sampleDistinct } from './random.ts';

/** Tasks bound to nodes up front, with no late binding: the baselines batch sampling is measured against. */
export interface Placement {
  assignments: Array<{ taskId: string; nodeId: string }>;
  unplaceable: string[];
}

function place(
  job: JobSpec,
  nodes: readonly NodeView[],
  choose: (allowed: NodeView[], task: TaskSpec) => NodeView,
): Placement {
  const placement: Placement = { assignments: [], unplaceable: [] };
  for (const task of job.tasks) {
    const allowed = nodes.filter((node) => nodeCanRun(node, job.labels, task));
    if (allowed.length === 0) placement.unplaceable.push(task.id);
    else placement.assignments.push({ taskId: task.id, nodeId: choose(allowed, task).id });
  }
  return placement;
}

/** Each task to one node chosen uniformly at random among those that can run it. */
export function randomPlacement(job: JobSpec, nodes: readonly NodeView[], random: Random): Placement {
  return place(job, nodes, (allowed) => allowed[randomIndex(random, allowed.length)]);
}

/**
 * Sparrow's per-task sampling: probe two random nodes per task and take the shorter queue. The
 * probes of one job run in parallel, so a task does not see the tasks of its own job placed just
 * before it; that blindness is what batch sampling fixes.
 */
export function perTaskSampling(job: JobSpec, nodes: readonly NodeView[], random: Random): Placement {
  return place(job, nodes, (allowed) => {
    const probed = sampleDistinct(allowed, 2, random);
    if (probed.length === 1) return probed[0];
    return (probed[1].queueLength ?? 0) < (probed[0].queueLength ?? 0) ? probed[1] : probed[0];
  });
}
