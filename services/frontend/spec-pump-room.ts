import { type NodeView, nodeCanRun, type TaskSpec } from '@passerine/scheduling';
import type { ExecutableSpec } from './executable-specs.ts';

/** The shape of one of the spec's tasks, for asking whether a node could ever run it. */
function taskShape(spec: ExecutableSpec): TaskSpec {
  const { cpus = 0, memMb = 0, diskMb = 0 } = spec.runner.resources;
  return { id: 'shape', resources: { cpus, memMb, diskMb } };
}

export function canRunOn(spec: ExecutableSpec, node: NodeView): boolean {
  return nodeCanRun(node, spec.runner.labels, taskShape(spec));
}

/** Specs some live node could run; the units of the others wait in the store for such a node. */
export function placeableSpecs(
  specs: readonly ExecutableSpec[],
  nodes: readonly NodeView[],
): ExecutableSpec[] {
  return specs.filter((spec) => nodes.some((node) => canRunOn(spec, node)));
}

/**
 * How many more units may be taken now: the free slots of the nodes that could run one of the
 * specs, less what this pump placed that those adverts do not show yet — tasks not launched, and
 * tasks launched on a node after its last advert.
 */
export function roomFor(
  specs: readonly ExecutableSpec[],
  nodes: readonly NodeView[],
  unlaunched: number,
  launchedSinceAdvert: (node: NodeView) => number,
): number {
  let free = 0;
  for (const node of nodes) {
    if (!specs.some((spec) => canRunOn(spec, node))) continue;
    free += Math.max(0, node.freeSlots - launchedSinceAdvert(node));
  }
  return Math.max(0, free - unlaunched);
}
