import { decodeValue } from './decode.ts';
import { CborMap } from './map.ts';
import { bytesEqual } from './utf8.ts';
import { type CborValue, Encoded, Tuple, Uuid } from './value.ts';

/**
 * Structural equality of two values. Kinds must match: bytes never equal text, a tuple never
 * equals an array. Maps compare entry by entry in order, since order is part of what we keep.
 * Numbers compare with Object.is so NaN equals NaN and 0 differs from -0 (both survive the wire).
 */
export function cborEquals(a: CborValue, b: CborValue): boolean {
  if (a instanceof Encoded) return cborEquals(decodeValue(a.bytes), b);
  if (b instanceof Encoded) return cborEquals(a, decodeValue(b.bytes));
  if (a === b) return typeof a !== 'number' || Object.is(a, b);
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Uuid) return b instanceof Uuid && bytesEqual(a.bytes, b.bytes);
  if (a instanceof Tuple) return b instanceof Tuple && listsEqual(a.items, b.items);
  if (Array.isArray(a)) return Array.isArray(b) && listsEqual(a, b);
  if (a instanceof CborMap) {
    if (!(b instanceof CborMap) || a.size !== b.size) return false;
    return a.entries.every(([k, v], i) => cborEquals(k, b.entries[i][0]) && cborEquals(v, b.entries[i][1]));
  }
  return false;
}

function listsEqual(a: CborValue[], b: CborValue[]): boolean {
  return a.length === b.length && a.every((item, i) => cborEquals(item, b[i]));
}
