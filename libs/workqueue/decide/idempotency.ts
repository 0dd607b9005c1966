import { createHash } from 'node:crypto';
import { IllegalStateError, ValidationError } from '@passerine/core';
import type { UnitToAdd } from '../events.ts';
import { canonicalName, describeName, type Name } from '../keys.ts';
import type { IdempotentAdd, NamespaceState } from '../state.ts';

/** How long a key is remembered: a client retrying a submit does so within minutes, not days. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** Keys remembered at most per namespace (oldest forgotten first), so the memory they take is bounded. */
export const MAX_IDEMPOTENCY_KEYS = 100_000;
const KEY = /^[\x21-\x7e]{1,128}$/;

export function checkIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new ValidationError('idempotency_key must be 1 to 128 printable ASCII characters', {
      field: 'idempotency_key',
    });
  }
  return value;
}

/** What an add is about: the same spec, keys, data and priorities give the same digest. */
export function digestOfAdd(spec: Name, units: readonly UnitToAdd[]): string {
  const hash = createHash('sha256');
  hash.update(canonicalName(spec));
  for (const u of units) {
    hash.update('\0');
    hash.update(canonicalName(u.key));
    hash.update(`\0${u.priority}\0`);
    hash.update(u.data);
  }
  return hash.digest('hex');
}

/**
 * The first add made under `key` while it is remembered: the same add again does nothing (its
 * answer is the first one's); a different add under the same key is refused, naming the first.
 */
export function repeatedAdd(
  state: NamespaceState,
  key: string,
  digest: string,
  now: number,
): IdempotentAdd | undefined {
  const first = state.idempotency.get(key);
  if (!first || first.at <= now - IDEMPOTENCY_WINDOW_MS) return undefined;
  if (first.digest === digest) return first;
  throw new IllegalStateError(
    `idempotency key '${key}' was first used at ${new Date(first.at).toISOString()} for an add of ${first.count} unit(s) to ${describeName(first.spec)} with other content; refused`,
    { field: 'idempotency_key' },
  );
}

/** Remembers an add (evolve), forgetting keys past the window or beyond the bound. */
export function rememberAdd(state: NamespaceState, key: string, add: IdempotentAdd): void {
  const keys = state.idempotency;
  keys.delete(key);
  keys.set(key, add);
  for (const [k, v] of keys) {
    if (keys.size <= MAX_IDEMPOTENCY_KEYS && v.at > add.at - IDEMPOTENCY_WINDOW_MS) break;
    keys.delete(k);
  }
}
