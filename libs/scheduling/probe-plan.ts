import { PROBES_PER_CONSTRAINED_TASK, type JobSpec, type TaskSpec } from './job-spec.ts';
import { hasLabels, type NodeView, nodeCanRun } from './node-view.ts';
import { type Random, sampleDistinct, sampleLeastLoaded } from './random.ts';
import { fits, largestDemand, type Resources } from './resources.ts';

export interface Reservation {
  nodeId: string;
  /** Reservations left at this node; each one may turn into one task through getTask. */
  count: number;
  /** What each of them holds at the node; absent means the largest demand among the job's tasks. */
  resources?: Resources;
}

/** Where to send a job's probes, and what late binding needs to answer getTask. */
export interface ProbePlan {
  reservations: Reservation[];
  /** Nodes that may take any of the unconstrained tasks. */
  batchNodes: string[];
  /** Tasks with their own allowed set (per-task constraints, or too large for the batch nodes). */
  constrained: Map<string, string[]>;
  /** Tasks no node in the view can run. */
  unplaceable: string[];
}

function isConstrained(task: TaskSpec): boolean {
  return task.constraints?.nodes !== undefined || task.constraints?.labels !== undefined;
}

/**
 * How busy a node looks to the frontend: slots in use plus reservations queued, per slot. Batch
 * sampling with it prefers the lighter of two random candidates for each probe.
 */
export type LoadOf = (node: NodeView) => number;

/**
 * Sparrow's batch sampling: for the m unconstrained tasks, reserve at ceil(d·m) distinct random
 * nodes that carry the job's labels and could run any of those tasks (fewer nodes than that: the
 * same total spread over all of them, so every task still has a reservation); with `loadOf`, the
 * ceil(d·m) lightest of twice as many random ones. Tasks with per-task constraints get two probes
 * each from their own allowed set; late binding lets any probed node serve any task it may run,
 * which is how probes are shared across tasks.
 */
export function planProbes(
  job: JobSpec,
  nodes: readonly NodeView[],
  random: Random,
  loadOf?: LoadOf,
): ProbePlan {
  const counts = new Map<string, number>();
  const add = (nodeId: string, n: number) => counts.set(nodeId, (counts.get(nodeId) ?? 0) + n);
  const constrained = new Map<string, string[]>();
  const unplaceable: string[] = [];
  const labelled = nodes.filter((node) => hasLabels(node.labels, job.labels));

  let batchTasks = job.tasks.filter((task) => !isConstrained(task));
  const demand = largestDemand(batchTasks);
  let batchNodes = labelled.filter((node) => fits(demand, node.capacity));
  if (batchNodes.length === 0 && batchTasks.length > 0) {
    // Tasks of mixed sizes that no single node fits all of: each picks from the nodes it fits.
    batchTasks = [];
    batchNodes = [];
  }
  const batchSet = new Set(batchTasks);

  for (const task of job.tasks) {
    if (batchSet.has(task)) continue;
    const allowed = labelled.filter((node) => nodeCanRun(node, job.labels, task)).map((node) => node.id);
    if (allowed.length === 0) {
      unplaceable.push(task.id);
      continue;
    }
    constrained.set(task.id, allowed);
    for (const nodeId of sampleDistinct(allowed, PROBES_PER_CONSTRAINED_TASK, random)) add(nodeId, 1);
  }

  if (batchTasks.length > 0) {
    const probes = Math.ceil(job.probeRatio * batchTasks.length);
    const chosen = loadOf
      ? sampleLeastLoaded(batchNodes, probes, random, loadOf)
      : sampleDistinct(batchNodes, probes, random);
    for (let i = 0; i < probes; i++) add(chosen[i % chosen.length].id, 1);
  }

  return {
    reservations: [...counts].map(([nodeId, count]) => ({ nodeId, count })),
    batchNodes: batchNodes.map((node) => node.id),
    constrained,
    unplaceable,
  };
}
