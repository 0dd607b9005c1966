/** Randomness arrives as an input: a function returning a float in [0, 1), like Math.random. */
export type Random = () => number;

/** A small seeded generator (mulberry32) so tests and simulations can be replayed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
