import { findUnit } from '../lookup.ts';
import type { WorkSpecState } from '../state.ts';
import { WorkSpecStatus } from '../status.ts';

/** When a continuous spec may next generate a unit (ms), or undefined if it is not continuous. */
export function continuousDueAt(spec: WorkSpecState): number | undefined {
  const m = spec.meta;
  if (!m.continuous || m.status !== WorkSpecStatus.RUNNABLE) return undefined;
  return spec.lastContinuousAt === 0 ? 0 : spec.lastContinuousAt + (m.interval ?? 0) * 1000;
}

/** Idle (nothing takeable) and due by its interval. */
export function isContinuousDue(spec: WorkSpecState, now: number): boolean {
  const due = continuousDueAt(spec);
  return due !== undefined && spec.available.size === 0 && due <= now;
}

/**
 * Generated units are keyed by the time they were made, so they sort in the order made; a
 * suffix keeps a second unit made in the same millisecond from overwriting the first.
 */
export function continuousKey(spec: WorkSpecState, now: number): string {
  const base = new Date(now).toISOString();
  let key = base;
  for (let n = 1; findUnit(spec, key); n++) key = `${base}#${n}`;
  return key;
}
