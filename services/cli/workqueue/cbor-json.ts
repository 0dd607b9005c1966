import { decodeValue, encodeValue, fromJsonValue, type JsonValue, toJsonValue } from '@passerine/cbor';
import type { Name } from '@passerine/workqueue';

/**
 * Unit data and spec dicts travel as CBOR bytes; the CLI shows and reads them in the lossless
 * JSON form of libs/cbor/json.ts (bytes as {"$bytes": base64}, tuples as {"$tuple": [...]}, …).
 */
export function cborToJson(bytes: Uint8Array | null | undefined): JsonValue {
  if (!bytes) return null;
  return toJsonValue(decodeValue(bytes));
}

export function jsonToCbor(json: JsonValue): Uint8Array {
  return encodeValue(fromJsonValue(json));
}

/** A key or name in the same JSON form, so `--json` output can be fed back to `units add`. */
export function nameToJson(name: Name): JsonValue {
  return toJsonValue(name);
}
