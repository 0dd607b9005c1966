import { encode } from '@passerine/core';
import type * as wq from '@passerine/workqueue';

/** Units encoded between two yields to the event loop: about 25 ms of work. */
const UNITS_PER_SLICE = 10_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Encodes a namespace snapshot as the same msgpack value `encode(snapshot)` gives, in slices:
 * at a few hundred thousand units one encode blocked the store for a second or more, and every
 * request waited. The snapshot is a copy of the state, so requests applied meanwhile do not
 * change it.
 */
export async function encodeSnapshot(snapshot: wq.NamespaceSnapshot): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await writeMap(parts, snapshot, 'specs', async (specs) => {
    parts.push(arrayHead(specs.length));
    for (const spec of specs) await writeMap(parts, spec, 'units', (units) => writeInSlices(parts, units));
  });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** A map in its field order, with one field's value written by `writeField`. */
async function writeMap<T extends object, K extends keyof T & string>(
  parts: Uint8Array[],
  object: T,
  field: K,
  writeField: (value: T[K]) => Promise<void>,
): Promise<void> {
  const fields = definedEntries(object);
  parts.push(mapHead(fields.length));
  for (const [key, value] of fields) {
    parts.push(encode(key));
    if (key === field) await writeField(value as T[K]);
    else parts.push(encode(value));
  }
}

async function writeInSlices(parts: Uint8Array[], items: readonly unknown[]): Promise<void> {
  parts.push(arrayHead(items.length));
  for (let from = 0; from < items.length; from += UNITS_PER_SLICE) {
    const slice = encode(items.slice(from, from + UNITS_PER_SLICE));
    parts.push(slice.subarray(arrayHeadLength(slice[0])));
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
