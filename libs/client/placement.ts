import { ValidationError } from '@passerine/core';
import {
  binPack,
  DEFAULT_WEIGHTS,
  HEURISTIC_SHORT_NAMES,
  type HeuristicName,
  hasLabels,
  heuristicOf,
  type Labels,
  type Resources,
  type ResourceWeights,
  resources,
} from '@passerine/scheduling';
import type { NodeOffer, NodeOffers } from './offers.ts';
import type { Submitted } from './session.ts';
import type { TaskHandle } from './task-handle.ts';
import type { Placer } from './task-queue.ts';

/** A task waiting for a node, as a placement hook sees it. */
export interface StagedTask {
  /** Names the task in the placements the hook returns. */
  id: string;
  /** Position of the item in its map, or 0. */
  index: number;
  resources: Resources;
  /** Labels its node must carry (the task's and the executor's). */
  labels: Labels;
}

/** Where the hook puts a task: one of the offers' nodes. */
export interface TaskPlacement {
  taskId: string;
  nodeId: string;
}

/**
 * Satyr's on_offers: sees the offers and the tasks waiting, and returns placements. Tasks it does
 * not place wait for the next change of the offers (a node's heartbeat, a task's end).
 */
export type PlacementHook = (
  offers: NodeOffer[],
  tasks: StagedTask[],
) => TaskPlacement[] | Promise<TaskPlacement[]>;

/**
 * Places tasks on offers by one of Satyr's heuristics (ff, ffd, mr, bf, bfd or the long names),
 * for a hook to call: the same packing frontends do, with the tasks' labels as constraints.
 */
export function placeBy(
  heuristic: HeuristicName,
  offers: readonly NodeOffer[],
  tasks: readonly StagedTask[],
  weights: ResourceWeights = DEFAULT_WEIGHTS,
): TaskPlacement[] {
  const strategy = heuristicOf(heuristic);
  if (!strategy)
    throw new ValidationError(
      `no heuristic ${heuristic} (known: ${Object.keys(HEURISTIC_SHORT_NAMES).join(', ')})`,
    );
  const bins = offers.map((offer) => ({
    id: offer.nodeId,
    free: offer.free,
    slots: offer.freeSlots,
    open: offer.freeSlots < offer.slots,
  }));
  const items = tasks.map((task) => ({
    id: task.id,
    resources: task.resources,
    allowedBins: offers.filter((offer) => hasLabels(offer.labels, task.labels)).map((offer) => offer.nodeId),
  }));
  return binPack(strategy, items, bins, weights).placements.map((p) => ({
    taskId: p.itemId,
    nodeId: p.binId,
  }));
}

/** The five heuristics by their short names, for placement hooks. */
export const heuristics = Object.fromEntries(
  Object.keys(HEURISTIC_SHORT_NAMES).map((name) => [
    name,
    (offers: readonly NodeOffer[], tasks: readonly StagedTask[], weights?: ResourceWeights) =>
      placeBy(name as HeuristicName, offers, tasks, weights),
  ]),
) as Record<
  keyof typeof HEURISTIC_SHORT_NAMES,
  (offers: readonly NodeOffer[], tasks: readonly StagedTask[], weights?: ResourceWeights) => TaskPlacement[]
>;

/** Runs a placement hook over the live offers for the tasks a queue has staged. */
export class HookPlacer implements Placer {
  private staged = 0;

  constructor(
    private readonly hook: PlacementHook,
    private readonly offers: NodeOffers,
    private readonly defaults: { resources?: Partial<Resources>; labels?: Labels },
  ) {}

  onChange(listener: () => void): () => void {
    return this.offers.onChange(listener);
  }

  async place(handles: readonly TaskHandle[]): Promise<Submitted[]> {
    await this.offers.start();
    const byId = new Map<string, TaskHandle>();
    const tasks = handles.map((handle) => {
      const id = `staged-${++this.staged}`;
      byId.set(id, handle);
      return {
        id,
        index: handle.index,
        resources: resources(handle.draft.resources ?? this.defaults.resources),
        labels: { ...this.defaults.labels, ...handle.draft.labels },
      };
    });
    const offers = this.offers.current();
    const known = new Set(offers.map((offer) => offer.nodeId));
    const placements = await this.hook(offers, tasks);
    if (!Array.isArray(placements))
      throw new ValidationError('the placement hook must return a list of { taskId, nodeId }');
    const out: Submitted[] = [];
    for (const placement of placements) {
      const handle = byId.get(placement?.taskId);
      if (!handle)
        throw new ValidationError(
          `the placement hook placed ${JSON.stringify(placement?.taskId)}, which is not a task it was given (or placed it twice)`,
        );
      if (!known.has(placement.nodeId))
        throw new ValidationError(
          `the placement hook chose node ${JSON.stringify(placement.nodeId)}, which is not among the offers`,
        );
      byId.delete(placement.taskId);
      const demand = resources(handle.draft.resources ?? this.defaults.resources);
      this.offers.promise(placement.nodeId, demand, () => handle.ended);
      out.push({ handle, nodeId: placement.nodeId });
    }
    return out;
  }
}
