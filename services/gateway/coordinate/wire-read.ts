import { CborMap, type CborValue, fromUtf8, mapGet, Tuple } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';

/**
 * Typed reads of Coordinate's CBOR arguments. Each failure names the field, so a client with the
 * wrong types gets a clear error instead of a store-side surprise.
 */
export type Name = string | Uint8Array;

export function readName(value: CborValue | undefined, field: string): Name {
  if ((typeof value === 'string' || value instanceof Uint8Array) && value.length > 0) return value;
  throw new ValidationError(`${field} must be a non-empty text or byte string`, { field });
}

/** Work unit keys may be empty; bytes stay bytes and text stays text. */
export function readKey(value: CborValue | undefined, field: string): Name {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new ValidationError(`${field} must be a text or byte string`, { field });
}

/** Worker ids and modes are text inside Passerine; the Python 2 client sends them as UTF-8 bytes. */
export function readText(value: CborValue | undefined, field: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    try {
      return fromUtf8(value, field);
    } catch {
      throw new ValidationError(`${field} must be UTF-8 text`, { field });
    }
  }
  throw new ValidationError(`${field} must be a text or byte string`, { field });
}

export function readWorkerId(value: CborValue | undefined, field = 'worker_id'): string {
  const id = readText(value, field);
  if (id === '') throw new ValidationError(`${field} must not be empty`, { field });
  return id;
}

export function readOptionalText(value: CborValue | undefined, field: string): string | undefined {
  return value === undefined || value === null ? undefined : readText(value, field);
}

/** An options dict; the original refuses anything else, None included (it calls options.get). */
export function readOptions(value: CborValue | undefined, field = 'options'): CborMap {
  if (value instanceof CborMap) return value;
  throw new ValidationError(`${field} must be a dict`, { field });
}

export function readList(value: CborValue | undefined, field: string): CborValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Tuple) return value.items;
  throw new ValidationError(`${field} must be a list`, { field });
}

export function readOptionalList(value: CborValue | undefined, field: string): CborValue[] | undefined {
  return value === undefined || value === null ? undefined : readList(value, field);
}

export function readOptionalNumber(value: CborValue | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new ValidationError(`${field} must be a number`, { field });
}

export function readOptionalBoolean(value: CborValue | undefined, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  // Python 2 code often passes 0/1 for flags.
  if (value === 0 || value === 1) return value === 1;
  throw new ValidationError(`${field} must be true or false`, { field });
}

/** A unit status (1..5) or a list of them. */
export function readStates(value: CborValue | undefined, field = 'state'): number | number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (Array.isArray(value) || value instanceof Tuple) {
    return readList(value, field).map((s) => {
      if (typeof s !== 'number') throw new ValidationError(`${field} must hold status numbers`, { field });
      return s;
    });
  }
  throw new ValidationError(`${field} must be a status number or a list of them`, { field });
}

export function option(options: CborMap, name: string): CborValue | undefined {
  return mapGet(options, name);
}
