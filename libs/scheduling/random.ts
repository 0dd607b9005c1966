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
