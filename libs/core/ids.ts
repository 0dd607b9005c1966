import { randomBytes } from 'node:crypto';

/** Ids arrive as an input for the same reason as time. */
export interface IdSource {
  next(): string;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Sortable unique ids: 10 chars of time (ms, base 36) then 12 random chars. Random bytes are
 * drawn in blocks because crypto calls per id dominate at hundreds of thousands of ids a second.
 */
export function randomIdSource(now: () => number = Date.now): IdSource {
  let pool = randomBytes(0);
  let at = 0;
  return {
    next() {
      if (at + 12 > pool.length) {
        pool = randomBytes(12 * 1024);
        at = 0;
      }
      let id = now().toString(36).padStart(10, '0');
      for (let i = 0; i < 12; i++) id += ALPHABET[pool[at++] % 36];
      return id;
    },
  };
}

/** Deterministic ids for tests: prefix-1, prefix-2, ... */
export function sequentialIdSource(prefix = 'id'): IdSource {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}
