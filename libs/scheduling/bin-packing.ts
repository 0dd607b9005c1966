import { fits, RESOURCE_NAMES, type ResourceName, type Resources, subtractResources } from './resources.ts';

export interface PackItem {
  id: string;
  resources: Resources;
  /** Bins this item may go to; absent means any. */
  allowedBins?: readonly string[];
}

export interface PackBin {
  id: string;
  free: Resources;
  /** Items the bin can still take, one each (a node's free slots); absent means no limit. */
  slots?: number;
}

export interface Packing {
  placements: Array<{ itemId: string; binId: string }>;
  /** Items that fit nowhere (Max-Rest: that did not fit the roomiest bin). */
  skipped: string[];
}

export type PackingStrategy =
  | 'first-fit'
  | 'first-fit-decreasing'
  | 'max-rest'
  | 'best-fit'
  | 'best-fit-decreasing';
export type ResourceWeights = Partial<Record<ResourceName, number>>;

/** Satyr's default weights. */
export const DEFAULT_WEIGHTS: ResourceWeights = { cpus: 1, memMb: 1 };

function totals(list: readonly Resources[]): Resources {
  const out = { cpus: 0, memMb: 0, diskMb: 0 };
  for (const r of list) for (const name of RESOURCE_NAMES) out[name] += r[name];
  return out;
}

/**
 * Satyr's weighted size: each weighted resource as a share of its total over the candidates, times
 * its weight, summed. Shares make cpus and megabytes comparable.
 */
export function weightedSize(value: Resources, total: Resources, weights: ResourceWeights): number {
  let size = 0;
  for (const name of RESOURCE_NAMES) {
    const weight = weights[name] ?? 0;
    if (weight !== 0 && total[name] > 0) size += (value[name] / total[name]) * weight;
  }
  return size;
}

interface OpenBin {
  id: string;
  rest: Resources;
  slotsLeft: number;
}

type ChooseBin = (item: PackItem, bins: OpenBin[]) => OpenBin | undefined;

function canTake(bin: OpenBin, item: PackItem): boolean {
  return (
    bin.slotsLeft >= 1 &&
    (!item.allowedBins || item.allowedBins.includes(bin.id)) &&
    fits(item.resources, bin.rest)
  );
}

function pack(items: readonly PackItem[], bins: readonly PackBin[], choose: ChooseBin): Packing {
  const open = bins.map((bin) => ({
    id: bin.id,
    rest: { ...bin.free },
    slotsLeft: bin.slots ?? Number.POSITIVE_INFINITY,
  }));
  const packing: Packing = { placements: [], skipped: [] };
  for (const item of items) {
    const bin = choose(item, open);
    if (!bin) {
      packing.skipped.push(item.id);
      continue;
    }
    bin.rest = subtractResources(bin.rest, item.resources);
    bin.slotsLeft--;
    packing.placements.push({ itemId: item.id, binId: bin.id });
  }
  return packing;
}

function largestFirst(items: readonly PackItem[], weights: ResourceWeights): PackItem[] {
  const total = totals(items.map((item) => item.resources));
  const sized = items.map((item, order) => ({
    item,
    order,
    size: weightedSize(item.resources, total, weights),
  }));
  // Stable: equal sizes keep their submission order.
  sized.sort((a, b) => b.size - a.size || a.order - b.order);
  return sized.map((entry) => entry.item);
}

const firstFit: ChooseBin = (item, bins) => bins.find((bin) => canTake(bin, item));

function bestFit(binTotal: Resources, weights: ResourceWeights): ChooseBin {
  return (item, bins) => {
    let best: OpenBin | undefined;
    let bestLeft = Number.POSITIVE_INFINITY;
    for (const bin of bins) {
      if (!canTake(bin, item)) continue;
      const left = weightedSize(subtractResources(bin.rest, item.resources), binTotal, weights);
      if (left < bestLeft) {
        best = bin;
        bestLeft = left;
      }
    }
    return best;
  };
}

function maxRest(binTotal: Resources, weights: ResourceWeights): ChooseBin {
  return (item, bins) => {
    const allowed = bins.filter((bin) => !item.allowedBins || item.allowedBins.includes(bin.id));
    let roomiest: OpenBin | undefined;
    let most = Number.NEGATIVE_INFINITY;
    for (const bin of allowed) {
      const rest = weightedSize(bin.rest, binTotal, weights);
      if (rest > most) {
        roomiest = bin;
        most = rest;
      }
    }
    return roomiest && canTake(roomiest, item) ? roomiest : undefined;
  };
}

/**
 * Places tasks (items) onto nodes' free capacity (bins) without overcommitting any dimension.
 * Returns where each item went and the items that fit nowhere.
 */
export function binPack(
  strategy: PackingStrategy,
  items: readonly PackItem[],
  bins: readonly PackBin[],
  weights: ResourceWeights = DEFAULT_WEIGHTS,
): Packing {
  const binTotal = totals(bins.map((bin) => bin.free));
  switch (strategy) {
    case 'first-fit':
      return pack(items, bins, firstFit);
    case 'first-fit-decreasing':
      return pack(largestFirst(items, weights), bins, firstFit);
    case 'max-rest':
      return pack(items, bins, maxRest(binTotal, weights));
    case 'best-fit':
      return pack(items, bins, bestFit(binTotal, weights));
    case 'best-fit-decreasing':
      return pack(largestFirst(items, weights), bins, bestFit(binTotal, weights));
  }
}

export const PACKING_STRATEGIES: readonly PackingStrategy[] = [
  'first-fit',
  'first-fit-decreasing',
  'max-rest',
  'best-fit',
  'best-fit-decreasing',
];
