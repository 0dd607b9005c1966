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

/** Coordinate's server clamps leases rather than refusing them: absent → 300 s, then [1, 86400]. */
export function leaseMs(value: unknown, field = 'lease_time'): number {
  const seconds = optionalNumber(value, field) ?? leaseLimits.defaultSeconds;
  return Math.round(Math.min(leaseLimits.maxSeconds, Math.max(leaseLimits.minSeconds, seconds)) * 1000);
}
