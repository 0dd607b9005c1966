import { encode } from '@passerine/core';
import type * as wq from '@passerine/workqueue';

/** Column values encoded between two yields to the event loop: a few ms of work. */
const UNITS_PER_SLICE = 50_000;

/** A turn of the event loop for whatever else waits: timers, I/O, other requests. */
export const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Encodes a namespace snapshot as the same msgpack value `encode(snapshot)` gives, in slices:
 * at a few hundred thousand units one encode blocked the store for a second or more, and every
 * request waited. The snapshot is a copy of the state, so requests applied meanwhile do not
 * change it. Long arrays (the unit and attempt columns) are written a slice at a time; maps and
 * short arrays of maps are walked into, so a long array anywhere inside is found.
 */
export async function encodeSnapshot(snapshot: wq.NamespaceSnapshot): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await write(parts, snapshot);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function isPlainObject(value: unknown): value is object {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

async function write(parts: Uint8Array[], value: unknown): Promise<void> {
  if (Array.isArray(value)) {
    if (value.length > UNITS_PER_SLICE || value.some(isPlainObject)) await writeArray(parts, value);
    else parts.push(encode(value));
  } else if (isPlainObject(value)) {
    const fields = definedEntries(value);
    parts.push(mapHead(fields.length));
    for (const [key, field] of fields) {
      parts.push(encode(key));
      await write(parts, field);
    }
  } else {
    parts.push(encode(value));
  }
}

async function writeArray(parts: Uint8Array[], items: readonly unknown[]): Promise<void> {
  parts.push(arrayHead(items.length));
  // Even looking for maps in a column of millions held the loop for seconds: each slice is looked
  // at on its own.
  for (let from = 0; from < items.length; from += UNITS_PER_SLICE) {
    const slice = items.slice(from, from + UNITS_PER_SLICE);
    if (slice.some(isPlainObject)) {
      for (const item of slice) await write(parts, item);
    } else {
      const bytes = encode(slice);
      parts.push(bytes.subarray(arrayHeadLength(bytes[0])));
    }
    await yieldToEventLoop();
  }
}

/** The fields msgpack writes (the codec leaves undefined ones out), in their order. */
function definedEntries(object: object): Array<[string, unknown]> {
  return Object.entries(object).filter(([, value]) => value !== undefined);
}

function mapHead(count: number): Uint8Array {
  return head(count, 0x80, 0xde, 0xdf);
}

function arrayHead(count: number): Uint8Array {
  return head(count, 0x90, 0xdc, 0xdd);
}

function head(count: number, fix: number, sixteen: number, thirtyTwo: number): Uint8Array {
  if (count < 16) return Uint8Array.of(fix | count);
  if (count < 0x10000) return Uint8Array.of(sixteen, count >> 8, count & 0xff);
  const bytes = new Uint8Array(5);
  bytes[0] = thirtyTwo;
  new DataView(bytes.buffer).setUint32(1, count);
  return bytes;
}

function arrayHeadLength(first: number): number {
  if (first >= 0x90 && first <= 0x9f) return 1;
  return first === 0xdc ? 3 : 5;
}
