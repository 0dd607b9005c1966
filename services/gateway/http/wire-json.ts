import { decodeValue, fromJsonValue, type JsonValue, toJsonValue } from '@passerine/cbor';
import type { Name } from '@passerine/workqueue-api';
import { z } from 'zod';

/**
 * Names, keys and CBOR data in the lossless JSON form the CLI uses (libs/cbor/json.ts): text as a
 * string, bytes as {"$bytes": base64}. A unit keyed b'\xff\x00' is {"$bytes": "/wA="}.
 */
export const jsonName = z.union([z.string(), z.strictObject({ $bytes: z.base64() })]);
export type JsonName = z.infer<typeof jsonName>;

export function nameFromJson(json: JsonName): Name {
  return typeof json === 'string' ? json : new Uint8Array(Buffer.from(json.$bytes, 'base64'));
}

export function nameToJson(name: Name): JsonName {
  return typeof name === 'string' ? name : { $bytes: Buffer.from(name).toString('base64') };
}

export function cborToJson(bytes: Uint8Array | null | undefined): JsonValue {
  return bytes ? toJsonValue(decodeValue(bytes)) : null;
}

export { fromJsonValue };

/**
 * A store answer made JSON: fields named `data` hold CBOR and are decoded; other bytes (keys,
 * names, ids) become {"$bytes": …}.
 */
export function answerToJson(value: unknown, field?: string): JsonValue {
  if (value instanceof Uint8Array) return field === 'data' ? cborToJson(value) : nameToJson(value);
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => answerToJson(v));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, answerToJson(v, k)]));
  }
  return value as JsonValue;
}
