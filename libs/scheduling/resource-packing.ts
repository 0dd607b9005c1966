import { binPack, type PackBin } from './bin-packing.ts';
import type { JobSpec, TaskSpec } from './job-spec.ts';
import { type NodeView, nodeCanRun } from './node-view.ts';
import { DEFAULT_PACKING } from './packing-choice.ts';
import { addResources, isEmpty, NO_RESOURCES, type Resources, subtractResources } from './resources.ts';

/** Slots and resources a frontend has promised at a node but the node's advert does not show yet. */
export interface Committed {
  slots: number;
  resources: Resources;
}

export interface TaskPacking {
  /** Each packed task and the node it is bound to. */
  assignments: Array<{ taskId: string; nodeId: string }>;
  /** Tasks some node could run, but none has the free slot and resources for right now. */
  waiting: string[];
  /** Tasks no node in the view can ever run. */
  unplaceable: string[];
}

/** Tasks asking for resources are packed onto nodes; the others are left to batch sampling. */
export function asksForResources(task: TaskSpec): boolean {
  return !isEmpty(task.resources);
}

/** Adds one bound task's slot and resources to what is committed at its node. */
export function commit(committed: Map<string, Committed>, nodeId: string, demand: Resources): void {
  const at = committed.get(nodeId) ?? { slots: 0, resources: NO_RESOURCES };
  committed.set(nodeId, { slots: at.slots + 1, resources: addResources(at.resources, demand) });
}

/**
 * A node's advertised free slots and resources, less what is committed there but not advertised. A
 * node running or promised work is an open bin: packing fills those before it takes an idle node.
 */
export function freeBin(node: NodeView, committed: Committed | undefined): PackBin {
  const busy = node.freeSlots < node.slots;
  if (!committed) return { id: node.id, free: node.free, slots: node.freeSlots, open: busy };
  return {
    id: node.id,
    free: subtractResources(node.free, committed.resources),
    slots: node.freeSlots - committed.slots,
    open: true,
  };
}

/**
 * Satyr's bin packing over a frontend's view of the nodes: each task goes to a node that may run
 * it (job labels, its own constraints) and has a free slot and the resources free right now, by the
 * job's heuristic and weights (best-fit-decreasing by default, so large tasks take the nodes only
 * they fit before small ones fragment them).
 */
export function packTasks(
  job: JobSpec,
  tasks: readonly TaskSpec[],
  nodes: readonly NodeView[],
  committed: ReadonlyMap<string, Committed> = new Map(),
): TaskPacking {
  const unplaceable: string[] = [];
  const items = [];
  for (const task of tasks) {
    const allowedBins = nodes.filter((node) => nodeCanRun(node, job.labels, task)).map((node) => node.id);
    if (allowedBins.length === 0) unplaceable.push(task.id);
    else items.push({ id: task.id, resources: task.resources, allowedBins });
  }
  const bins = nodes.map((node) => freeBin(node, committed.get(node.id)));
  const { heuristic, weights } = job.packing ?? DEFAULT_PACKING;
  const packing = binPack(heuristic, items, bins, weights);
  return {
    assignments: packing.placements.map(({ itemId, binId }) => ({ taskId: itemId, nodeId: binId })),
    waiting: packing.skipped,
    unplaceable,
  };
}
