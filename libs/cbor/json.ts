import { ValidationError } from '@passerine/core';
import { CborMap, type CborMapEntry } from './map.ts';
import { decodeValue } from './decode.ts';
import { type CborValue, Encoded, Tuple, Uuid } from './value.ts';

/**
 * A lossless JSON form of a CborValue, for edges that speak JSON (HTTP, logs, the CLI):
 *
 *   null, booleans, finite numbers, text, arrays    → themselves
 *   byte string                                      → {"$bytes": "<base64>"}
 *   bigint (beyond ±2^53)                            → {"$bigint": "<decimal>"}
 *   NaN, ±Infinity, -0                               → {"$float": "NaN" | "Infinity" | "-Infinity" | "-0"}
 *   tuple                                            → {"$tuple": [...]}
 *   UUID                                             → {"$uuid": "xxxxxxxx-xxxx-…"}
 *   map whose keys are all text, none starting "$"   → a plain object (key order kept)
 *     and none all digits
 *   any other map (byte keys, numbers, "$" keys …)   → {"$map": [[key, value], ...]}
 *
 * A plain object never has a single "$"-prefixed key, so the forms cannot be confused.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toJsonValue(value: CborValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $float: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Tuple) return { $tuple: value.items.map(toJsonValue) };
  if (value instanceof Uuid) return { $uuid: value.toString() };
  if (value instanceof Encoded) return toJsonValue(decodeValue(value.bytes));
  // Digit-only keys would be reordered by JS objects, which list integer-like keys first.
  const plainKeys = value.entries.every(
    ([k]) => typeof k === 'string' && !k.startsWith('$') && !/^\d+$/.test(k),
  );
  const distinctKeys = new Set(value.keys()).size === value.size;
  if (plainKeys && distinctKeys) {
    return Object.fromEntries(value.entries.map(([k, v]) => [k as string, toJsonValue(v)]));
  }
  return { $map: value.entries.map(([k, v]) => [toJsonValue(k), toJsonValue(v)]) };
}

export function fromJsonValue(json: JsonValue): CborValue {
  if (json === null || typeof json === 'boolean' || typeof json === 'number' || typeof json === 'string') {
    return json;
  }
  if (Array.isArray(json)) return json.map(fromJsonValue);
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0].startsWith('$')) return fromTaggedJson(keys[0], json[keys[0]]);
  return new CborMap(keys.map((k): CborMapEntry => [k, fromJsonValue(json[k])]));
}

function fromTaggedJson(marker: string, content: JsonValue): CborValue {
  switch (marker) {
    case '$bytes':
      return new Uint8Array(Buffer.from(expectString(marker, content), 'base64'));
    case '$bigint':
      return BigInt(expectString(marker, content));
    case '$float':
      return expectString(marker, content) === '-0' ? -0 : Number(content);
    case '$tuple':
      return new Tuple(expectArray(marker, content).map(fromJsonValue));
    case '$uuid':
      return Uuid.parse(expectString(marker, content));
    case '$map':
      return new CborMap(
        expectArray(marker, content).map((pair): CborMapEntry => {
          if (!Array.isArray(pair) || pair.length !== 2) {
            throw new ValidationError('each $map entry must be a [key, value] pair');
          }
          return [fromJsonValue(pair[0]), fromJsonValue(pair[1])];
        }),
      );
    default:
      throw new ValidationError(`unknown JSON value marker '${marker}'`);
  }
}

function expectString(marker: string, content: JsonValue): string {
  if (typeof content !== 'string') throw new ValidationError(`${marker} must hold a string`);
  return content;
}

function expectArray(marker: string, content: JsonValue): JsonValue[] {
  if (!Array.isArray(content)) throw new ValidationError(`${marker} must hold an array`);
  return content;
}
