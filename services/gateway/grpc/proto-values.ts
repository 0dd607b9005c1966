import { decodeValue, encodeValue, CborMap } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';

/** A Name message as proto-loader hands it over: the set member, named in `kind`. */
export interface ProtoName {
  kind?: 'text' | 'raw';
  text?: string;
  raw?: Uint8Array;
}

export type Name = string | Uint8Array;

/** A work unit key: either kind, possibly empty. */
export function keyOf(name: ProtoName | null | undefined, field: string): Name {
  if (name?.text !== undefined) return name.text;
  if (name?.raw !== undefined) return new Uint8Array(name.raw);
  throw new ValidationError(`${field} must be set (text or raw)`, { field });
}

/** A work spec name: like a key, but not empty. */
export function nameOf(name: ProtoName | null | undefined, field: string): Name {
  const value = keyOf(name, field);
  if (value.length === 0) throw new ValidationError(`${field} must not be empty`, { field });
  return value;
}

export function optionalNameOf(name: ProtoName | null | undefined, field: string): Name | null {
  return name?.text === undefined && name?.raw === undefined ? null : nameOf(name, field);
}

export function protoName(name: Name): ProtoName {
  return typeof name === 'string' ? { text: name } : { raw: name };
}

const EMPTY_DICT = encodeValue(new CborMap());

/**
 * CBOR payloads are checked at the edge (one well-formed item), so bad bytes are refused with the
 * field named instead of being stored and failing a reader later.
 */
export function cborOf(
  bytes: Uint8Array | null | undefined,
  field: string,
  emptyMeans = EMPTY_DICT,
): Uint8Array {
  if (!bytes || bytes.length === 0) return emptyMeans;
  const copy = new Uint8Array(bytes);
  try {
    decodeValue(copy);
  } catch (err) {
    throw new ValidationError(`${field} is not one well-formed CBOR value (${(err as Error).message})`, {
      field,
    });
  }
  return copy;
}

export function optionalCborOf(bytes: Uint8Array | null | undefined, field: string): Uint8Array | null {
  return bytes === undefined || bytes === null ? null : cborOf(bytes, field);
}

export function positiveInteger(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || value === 0) return fallback;
  return Math.min(Math.max(1, Math.floor(value)), max);
}
