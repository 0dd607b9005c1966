import { decodeValue, type JsonValue, toJsonValue } from '@passerine/cbor';
import { decode } from '@passerine/core';

/**
 * Event data made readable: byte fields that hold encoded values are decoded, other bytes take the
 * lossless JSON form the CLI uses everywhere ({"$bytes": base64}). Which fields hold what is known,
 * not guessed: `data` is Coordinate's CBOR (unit data, spec dicts, worker data), `payload` a task's
 * msgpack. A field that does not decode as it should is shown as its bytes.
 *
 * A walk rather than a JSON.stringify replacer: Buffer's own toJSON runs before any replacer, which
 * is how bytes used to come out as {"type":"Buffer","data":[…]}.
 */
export function readable(value: unknown, field?: string): JsonValue {
  if (value instanceof Uint8Array) return readableBytes(value, field);
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) return value.map((item) => readable(item, field));
  if (value instanceof Map) {
    return { $map: [...value.entries()].map(([k, v]) => [readable(k), readable(v)]) };
  }
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = readable(v, k);
  return out;
}

function readableBytes(bytes: Uint8Array, field: string | undefined): JsonValue {
  if (field === 'data' && bytes.length > 0) {
    try {
      return { $cbor: toJsonValue(decodeValue(bytes)) };
    } catch {
      // Not CBOR after all: shown as bytes.
    }
  }
  if (field === 'payload' && bytes.length > 0) {
    try {
      return { $msgpack: readable(decode(bytes)) };
    } catch {
      // Not msgpack: shown as bytes.
    }
  }
  return { $bytes: Buffer.from(bytes).toString('base64') };
}

/** One line of JSON of readable data. */
export function readableJson(value: unknown): string {
  return JSON.stringify(readable(value));
}
