import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { encodeValue, fromJsonValue, isCborMap, type JsonValue } from '@passerine/cbor';
import type { Name } from '@passerine/workqueue';

/**
 * A JSON-lines file of work units, one object a line:
 *   {"key": "u1", "data": {"url": "…"}, "priority": 5}
 * `key` is text, or {"$bytes": base64} for a byte-string key; `data` (default {}) is a JSON object
 * in the lossless form of libs/cbor/json.ts; `priority` is optional. Blank lines are skipped.
 */
export interface UnitToAdd {
  key: Name;
  data: Uint8Array;
  priority?: number;
}

const FIELDS = new Set(['key', 'data', 'priority']);
const EMPTY_DATA = encodeValue(fromJsonValue({}));

/** Thrown for the first bad line; the message names the file and line. */
export class UnitsFileError extends Error {}

/** One line as a unit, null for a blank line; throws a plain message for a bad one. */
export function parseUnitLine(text: string): UnitToAdd | null {
  if (text.trim() === '') return null;
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('each line must be a JSON object like {"key": "…", "data": {…}}');
  }
  const unknown = Object.keys(json).filter((f) => !FIELDS.has(f));
  if (unknown.length > 0) throw new Error(`unknown field ${unknown.map((f) => `"${f}"`).join(', ')}`);
  if (json.key === undefined) throw new Error('missing "key"');
  const key = fromJsonValue(json.key);
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
    throw new Error('"key" must be a string or {"$bytes": base64}');
  }
  let data = EMPTY_DATA;
  if (json.data !== undefined) {
    const value = fromJsonValue(json.data);
    if (!isCborMap(value)) throw new Error('"data" must be a JSON object');
    data = encodeValue(value);
  }
  const unit: UnitToAdd = { key, data };
  if (json.priority !== undefined) {
    if (typeof json.priority !== 'number' || !Number.isFinite(json.priority)) {
      throw new Error('"priority" must be a number');
    }
    unit.priority = json.priority;
  }
  return unit;
}

async function* numberedUnits(path: string): AsyncGenerator<UnitToAdd> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    let unit: UnitToAdd | null;
    try {
      unit = parseUnitLine(line);
    } catch (err) {
      lines.close();
      throw new UnitsFileError(`${path}:${lineNumber}: ${(err as Error).message}`);
    }
    if (unit) yield unit;
  }
}

/**
 * Reads the whole file once and returns how many units it holds, or throws at the first bad
 * line, so that a bad file sends nothing. The units are not kept: a file of millions of units
 * is read again in batches while sending, holding one batch in memory at a time.
 */
export async function countUnitsInFile(path: string): Promise<number> {
  let count = 0;
  for await (const _ of numberedUnits(path)) count++;
  return count;
}

/** The units of the file in batches of at most `size`. */
export async function* unitBatches(path: string, size: number): AsyncGenerator<UnitToAdd[]> {
  let batch: UnitToAdd[] = [];
  for await (const unit of numberedUnits(path)) {
    batch.push(unit);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
