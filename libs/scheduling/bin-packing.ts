import { fits, RESOURCE_NAMES, type ResourceName, type Resources } from './resources.ts';

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
  /** The bin holds work already (a busy node): packing tries it before bins that hold nothing. */
  open?: boolean;
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

/** Per-resource factors of a weighted size (weight / total), so sizes cost three multiplications. */
interface Scale {
  cpus: number;
  memMb: number;
  diskMb: number;
}

function scaleOf(total: Resources, weights: ResourceWeights): Scale {
  const factor = (name: ResourceName) => {
    const weight = weights[name] ?? 0;
    return weight !== 0 && total[name] > 0 ? weight / total[name] : 0;
  };
  return { cpus: factor('cpus'), memMb: factor('memMb'), diskMb: factor('diskMb') };
}

interface OpenBin {
  id: string;
  rest: Resources;
  slotsLeft: number;
}

interface Candidate {
  item: PackItem;
  allowed?: ReadonlySet<string>;
}

function canTake(bin: OpenBin, { item, allowed }: Candidate): boolean {
  return bin.slotsLeft >= 1 && (!allowed || allowed.has(bin.id)) && fits(item.resources, bin.rest);
}

/** Weighted room a bin would have left after taking the item. */
function leftover(bin: OpenBin, demand: Resources, scale: Scale): number {
  return (
    (bin.rest.cpus - demand.cpus) * scale.cpus +
    (bin.rest.memMb - demand.memMb) * scale.memMb +
    (bin.rest.diskMb - demand.diskMb) * scale.diskMb
  );
}

/**
 * The bins of one packing. Bins that hold work (given `open`, or that took an item in this packing)
 * are tried first, in the order they opened; a bin that holds nothing is opened only when none of
 * them has room, the largest first. So packing consolidates onto few nodes and leaves whole nodes
 * free; with bins of one size this is Satyr's heuristics as stated.
 */
class Bins {
  readonly open: OpenBin[] = [];
  /** Bins holding nothing, largest first. */
  private readonly unused: OpenBin[] = [];

  constructor(bins: readonly PackBin[], scale: Scale) {
    const sized: Array<{ bin: OpenBin; size: number; order: number }> = [];
    for (const [order, given] of bins.entries()) {
      const bin = {
        id: given.id,
        rest: { ...given.free },
        slotsLeft: given.slots ?? Number.POSITIVE_INFINITY,
      };
      if (given.open) this.open.push(bin);
      else sized.push({ bin, order, size: leftover(bin, { cpus: 0, memMb: 0, diskMb: 0 }, scale) });
    }
    sized.sort((a, b) => b.size - a.size || a.order - b.order);
    for (const { bin } of sized) this.unused.push(bin);
  }

  /** Opens the largest unused bin that can take the candidate. */
  openFor(candidate: Candidate): OpenBin | undefined {
    const at = this.unused.findIndex((bin) => canTake(bin, candidate));
    if (at < 0) return undefined;
    const [bin] = this.unused.splice(at, 1);
    this.open.push(bin);
    return bin;
  }

  /** Every bin, open or not: the two lists. */
  lists(): readonly OpenBin[][] {
    return [this.open, this.unused];
  }
}

type ChooseBin = (candidate: Candidate, bins: Bins) => OpenBin | undefined;

function pack(items: readonly PackItem[], bins: Bins, choose: ChooseBin): Packing {
  const packing: Packing = { placements: [], skipped: [] };
  for (const item of items) {
    const candidate = { item, allowed: item.allowedBins && new Set(item.allowedBins) };
    const bin = choose(candidate, bins);
    if (!bin) {
      packing.skipped.push(item.id);
      continue;
    }
    bin.rest.cpus -= item.resources.cpus;
    bin.rest.memMb -= item.resources.memMb;
    bin.rest.diskMb -= item.resources.diskMb;
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

const firstFit: ChooseBin = (candidate, bins) =>
  bins.open.find((bin) => canTake(bin, candidate)) ?? bins.openFor(candidate);

function bestFit(scale: Scale): ChooseBin {
  return (candidate, bins) => {
    let best: OpenBin | undefined;
    let bestLeft = Number.POSITIVE_INFINITY;
    for (const bin of bins.open) {
      if (!canTake(bin, candidate)) continue;
      const left = leftover(bin, candidate.item.resources, scale);
      if (left < bestLeft) {
        best = bin;
        bestLeft = left;
      }
    }
    return best ?? bins.openFor(candidate);
  };
}

/** Max-Rest spreads rather than packs: every bin is a candidate, the roomiest takes the item. */
function maxRest(scale: Scale): ChooseBin {
  const none = { cpus: 0, memMb: 0, diskMb: 0 };
  return ({ item, allowed }, bins) => {
    let roomiest: OpenBin | undefined;
    let most = Number.NEGATIVE_INFINITY;
    for (const list of bins.lists()) {
      for (const bin of list) {
        if (allowed && !allowed.has(bin.id)) continue;
        const rest = leftover(bin, none, scale);
        if (rest > most) {
          roomiest = bin;
          most = rest;
        }
      }
    }
    return roomiest && canTake(roomiest, { item, allowed }) ? roomiest : undefined;
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
  const scale = scaleOf(totals(bins.map((bin) => bin.free)), weights);
  const open = new Bins(bins, scale);
  switch (strategy) {
    case 'first-fit':
      return pack(items, open, firstFit);
    case 'first-fit-decreasing':
      return pack(largestFirst(items, weights), open, firstFit);
    case 'max-rest':
      return pack(items, open, maxRest(scale));
    case 'best-fit':
      return pack(items, open, bestFit(scale));
    case 'best-fit-decreasing':
      return pack(largestFirst(items, weights), open, bestFit(scale));
  }
}

export const PACKING_STRATEGIES: readonly PackingStrategy[] = [
  'first-fit',
  'first-fit-decreasing',
  'max-rest',
  'best-fit',
  'best-fit-decreasing',
];
