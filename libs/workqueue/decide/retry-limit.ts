import { describeCanonical } from '../keys.ts';
import type { WorkSpecState, WorkUnitState } from '../state.ts';

/**
 * max_retries: a unit tried more than max_retries times (0 = no limit) fails instead of going
 * back to AVAILABLE. Returns the traceback it fails with, or undefined while it may run again.
 */
export function retriesExhausted(spec: WorkSpecState, unit: WorkUnitState): string | undefined {
  const max = spec.meta.max_retries;
  if (max <= 0 || unit.tries <= max) return undefined;
  return `work unit ${describeCanonical(unit.key)} was tried ${unit.tries} times, more than max_retries=${max}`;
}
