import { CborMap, type CborValue, encodeValue, isKeyNamed, toHex, Tuple } from '@passerine/cbor';

/** Stands in for a time value: recorded times and ours come from different clocks. */
export const TIME = '<time>';
const TIME_FIELDS = ['expires', 'expiration'];

/** Replaces numbers under time fields by TIME, collecting them so a test can check they are sane. */
export function withoutTimes(value: CborValue, seen: number[] = []): CborValue {
  if (Array.isArray(value)) return value.map((v) => withoutTimes(v, seen));
  if (value instanceof Tuple) return new Tuple(value.items.map((v) => withoutTimes(v, seen)));
  if (value instanceof CborMap) {
    return new CborMap(
      value.entries.map(([k, v]) => {
        if (typeof v === 'number' && TIME_FIELDS.some((f) => isKeyNamed(k, f))) {
          seen.push(v);
          return [k, TIME] as const;
        }
        return [k, withoutTimes(v, seen)] as const;
      }),
    );
  }
  return value;
}

/** Sorts map entries by their encoded keys, recursively: for dicts whose order was Python's hash order. */
export function sortedMaps(value: CborValue): CborValue {
  if (Array.isArray(value)) return value.map(sortedMaps);
  if (value instanceof Tuple) return new Tuple(value.items.map(sortedMaps));
  if (value instanceof CborMap) {
    const entries = value.entries.map(([k, v]) => [k, sortedMaps(v)] as const);
    entries.sort(([a], [b]) => (toHex(encodeValue(a)) < toHex(encodeValue(b)) ? -1 : 1));
    return new CborMap(entries);
  }
  return value;
}

export function hexOf(value: CborValue): string {
  return toHex(encodeValue(value));
}
