import type { Random } from '@passerine/core';

export { type Random, seededRandom } from '@passerine/core';

export function randomIndex(random: Random, length: number): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

/**
 * Up to `count` distinct items, uniformly chosen. A partial Fisher–Yates over a copy: O(count)
 * swaps after the O(n) copy, and the input is left untouched.
 */
export function sampleDistinct<T>(items: readonly T[], count: number, random: Random): T[] {
  const pool = items.slice();
  const take = Math.min(count, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + randomIndex(random, pool.length - i);
    const swap = pool[i];
    pool[i] = pool[j];
    pool[j] = swap;
  }
  pool.length = take;
  return pool;
}

/**
 * The power of two choices, applied to a batch: draws `choices` × `count` distinct candidates at
 * random and keeps the `count` with the least load (ties keep their random order). A scheduler
 * that has a view of the load lands on the lighter nodes, while the random draw stops frontends
 * that see the same view from all picking the same few.
 */
export function sampleLeastLoaded<T>(
  items: readonly T[],
  count: number,
  random: Random,
  loadOf: (item: T) => number,
  choices = 2,
): T[] {
  const candidates = sampleDistinct(items, count * choices, random);
  if (candidates.length <= count) return candidates;
  const loads = new Map(candidates.map((item) => [item, loadOf(item)]));
  return candidates.sort((a, b) => loads.get(a)! - loads.get(b)!).slice(0, count);
}
