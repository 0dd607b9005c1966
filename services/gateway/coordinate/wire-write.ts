import { CborMap, type CborValue, Encoded, Tuple, utf8 } from '@passerine/cbor';

/**
 * How answers are written back. The Python 2 server's own strings (dict keys, messages, worker
 * ids, modes) were native `str`, i.e. CBOR byte strings; mirroring that keeps the reference
 * answers byte for byte. Names and keys the client sent keep the kind they came with.
 */
export function serverText(text: string): Uint8Array {
  return utf8(text);
}

/** A dict with the server's byte-string keys, in the given order. */
export function serverDict(entries: ReadonlyArray<readonly [string, CborValue]>): CborMap {
  return new CborMap(entries.map(([key, value]) => [serverText(key), value] as const));
}

/** [value, message-or-null] as the tuple the Python server returned. */
export function pair(value: CborValue, message: string | null = null): Tuple {
  return new Tuple([value, message === null ? null : serverText(message)]);
}

/** Data and spec dicts are stored as the CBOR bytes the client sent, and go back as those bytes. */
export function storedValue(bytes: Uint8Array | null | undefined): CborValue {
  return bytes === null || bytes === undefined ? null : new Encoded(bytes);
}

/**
 * Coordinate times are float seconds since the epoch (Python's time.time()); Passerine keeps
 * milliseconds. Written as a float64 whatever the value: a time on a whole second would
 * otherwise go out as an int.
 */
export function epochSeconds(ms: number | null | undefined): CborValue {
  if (ms === null || ms === undefined || ms === 0) return null;
  const bytes = new Uint8Array(9);
  bytes[0] = 0xfb;
  new DataView(bytes.buffer).setFloat64(1, ms / 1000);
  return new Encoded(bytes);
}

/**
 * The store words names Python 3 style (b'\xff' for bytes); the Python 2 server printed a byte
 * string without the b, which is what its clients have always seen: "no such work_spec 'x'".
 */
export function pythonTwoMessage(message: string): string {
  return message.replace(/(^|[\s=(])b'/g, "$1'");
}
