import { CborMap, type CborValue, decodeValue, Encoded, encodeValue, Tuple, Uuid } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';

/**
 * Work-unit data and spec dicts are Coordinate's CBOR. A TypeScript program reads and writes them
 * as plain values: objects with text keys, arrays, strings, numbers, booleans, null and bytes.
 * Tuples come back as arrays, UUIDs as their text, byte-string keys as text.
 */
export type PlainValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PlainValue[]
  | { [key: string]: PlainValue };

export function toCbor(value: unknown, path = 'data'): CborValue {
  if (value === null || value === undefined) return null;
  if (
    typeof value === 'boolean' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'string'
  ) {
    return value;
  }
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((item, i) => toCbor(item, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return new CborMap(
      Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toCbor(item, `${path}.${key}`)] as const),
    );
  }
  throw new ValidationError(
    `${path} cannot be stored as Coordinate data: it is ${typeof value === 'object' ? `a ${value.constructor?.name}` : `a ${typeof value}`}`,
    { field: path },
  );
}

export function fromCbor(value: CborValue): PlainValue {
  if (value instanceof CborMap) {
    const out: { [key: string]: PlainValue } = {};
    for (const [key, item] of value.entries) {
      const text =
        typeof key === 'string'
          ? key
          : key instanceof Uint8Array
            ? Buffer.from(key).toString('utf8')
            : String(key);
      out[text] = fromCbor(item);
    }
    return out;
  }
  if (value instanceof Encoded) return fromCbor(decodeValue(value.bytes));
  if (value instanceof Tuple) return value.items.map(fromCbor);
  if (value instanceof Uuid) return value.toString();
  if (Array.isArray(value)) return value.map(fromCbor);
  return value;
}

export function encodeData(value: unknown, path?: string): Uint8Array {
  return encodeValue(toCbor(value ?? {}, path));
}

export function decodeData(bytes: Uint8Array | null | undefined): PlainValue {
  return bytes ? fromCbor(decodeValue(bytes)) : null;
}
