import { type NodeView, nodeCanRun, type TaskSpec } from '@passerine/scheduling';
import { canonicalName } from '@passerine/workqueue';
import type { ExecutableSpec } from './executable-spec.ts';

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

/**
 * Which specs to say, once each, that no live node could run (labels or resources no node has):
 * their units wait in the store, which would otherwise look like a stall. Said only while some
 * node monitor is up (at start the adverts may not be in yet), and again if a spec that could run
 * stops being able to.
 */
export class UnplaceableSpecs {
  private readonly said = new Set<string>();

  newlyUnplaceable(
    specs: readonly ExecutableSpec[],
    placeable: readonly ExecutableSpec[],
    liveNodes: number,
  ): ExecutableSpec[] {
    const runnable = new Set(placeable.map((spec) => canonicalName(spec.name)));
    const out: ExecutableSpec[] = [];
    for (const spec of specs) {
      const id = canonicalName(spec.name);
      if (runnable.has(id)) this.said.delete(id);
      else if (liveNodes > 0 && !this.said.has(id)) {
        this.said.add(id);
        out.push(spec);
      }
    }
    return out;
  }
}
