import { ValidationError } from '@passerine/core';
import { isName, type Name } from './keys.ts';
import { leaseLimits } from './status.ts';

/** Field checks shared by the deciders; each error names the field it is about. */
export function requireName(value: unknown, field: string): Name {
  if (!isName(value)) throw new ValidationError(`${field} must be a text or byte string`, { field });
  if (value.length === 0) throw new ValidationError(`${field} must not be empty`, { field });
  return value;
}

export function requireKey(value: unknown, field: string): Name {
  if (!isName(value)) throw new ValidationError(`${field} must be a text or byte string`, { field });
  return value;
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${field} must be a non-empty text string`, { field });
  }
  return value;
}

export function requireBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new ValidationError(`${field} must be bytes`, { field });
  return value;
}

export function optionalBytes(value: unknown, field: string): Uint8Array | undefined {
  return value === undefined || value === null ? undefined : requireBytes(value, field);
}

export function requireNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`${field} must be a finite number`, { field });
  }
  return value;
}

export function optionalNumber(value: unknown, field: string): number | undefined {
  return value === undefined || value === null ? undefined : requireNumber(value, field);
}

export function requireInteger(value: unknown, field: string, min: number): number {
  const n = requireNumber(value, field);
  if (!Number.isInteger(n) || n < min)
    throw new ValidationError(`${field} must be an integer ≥ ${min}`, { field });
  return n;
}

export function requireArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(`${field} must be a list`, { field });
  return value;
}

/**
 * A get_work's lease, as the original server takes it rather than refusing it: absent, or outside
 * [1 s, 1 day], it is the default 300 s.
 */
export function leaseMs(value: unknown, field = 'lease_time'): number {
  const seconds = optionalNumber(value, field) ?? leaseLimits.defaultSeconds;
  const inRange = seconds >= leaseLimits.minSeconds && seconds <= leaseLimits.maxSeconds;
  return Math.round((inRange ? seconds : leaseLimits.defaultSeconds) * 1000);
}

/**
 * A renewal's lease (update_work_unit): beyond a day it is the default; 0 or less ends it at once,
 * as the original's lease in the past does (SingleWorker gives units back with update(-1)).
 */
export function renewalMs(value: unknown, field = 'lease_time'): number {
  const seconds = optionalNumber(value, field) ?? leaseLimits.defaultSeconds;
  return Math.round(
    Math.max(0, seconds > leaseLimits.maxSeconds ? leaseLimits.defaultSeconds : seconds) * 1000,
  );
}
