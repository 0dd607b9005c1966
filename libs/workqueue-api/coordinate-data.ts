import {
  CborMap,
  type CborValue,
  decodeValue,
  encodedOf,
  encodeValue,
  fromUtf8,
  isCborMap,
  mapGet,
  Tuple,
} from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import type { WorkSpecMeta } from '@passerine/workqueue';
import { readRunner } from './runner.ts';

/**
 * Reads what the work queue needs out of Coordinate's CBOR values: the spec dict's settings, and a
 * finished unit's `output` and `traceback`. The dicts themselves stay opaque bytes in storage.
 */
export type Name = string | Uint8Array;

/** A spec dict's settings: its name plus the domain's meta, read once at the edge. */
export type SpecSettings = WorkSpecMeta & { name: Name };

export interface OutputUnit {
  spec: Name;
  key: Name;
  data: Uint8Array;
  priority?: number;
}

const EMPTY_MAP = encodeValue(new CborMap());

function asName(value: CborValue | undefined, field: string): Name {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value instanceof Uint8Array && value.length > 0) return value;
  throw new ValidationError(`${field} must be a non-empty string`, { field });
}

/** Byte strings that hold UTF-8 text are read as text: the Python 2 client sends most strings as bytes. */
function asText(value: CborValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return fromUtf8(value, 'name');
  return undefined;
}

/** A number as the original reads one with float() (or int(), which truncates): numeric text too. */
function asNumber<F extends number | null>(
  value: CborValue | undefined,
  field: string,
  fallback: F,
  integer = false,
): number | F {
  if (value === undefined || value === null) return fallback;
  let n: number;
  if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'number') n = value;
  else if (
    (typeof value === 'string' || value instanceof Uint8Array) &&
    /^\s*[-+]?\d+(\.\d*)?\s*$/.test(String(asText(value)))
  ) {
    n = Number(asText(value));
  } else n = Number.NaN;
  if (!Number.isFinite(n)) throw new ValidationError(`work spec field ${field} must be a number`, { field });
  return integer ? Math.trunc(n) : n;
}

/** Python's truth of a value: None, False, 0, and empty strings and containers are false. */
function truthy(value: CborValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === 0n) return false;
  if (typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value))
    return value.length > 0;
  if (value instanceof Tuple) return value.length > 0;
  if (isCborMap(value)) return value.size > 0;
  return true;
}

/** The settings of a spec dict: name required; weight from `weight`, else 20 − `nice` (at least 1). */
export function readSpecSettings(specBytes: Uint8Array): SpecSettings {
  const spec = decodeValue(specBytes);
  if (!isCborMap(spec)) throw new ValidationError('a work spec must be a dict', { field: 'work_spec' });
  const name = asName(mapGet(spec, 'name'), 'name');
  const nice = asNumber(mapGet(spec, 'nice'), 'nice', 0, true);
  const weight = asNumber(mapGet(spec, 'weight'), 'weight', Math.max(1, 20 - nice), true);
  const then = mapGet(spec, 'then');
  return {
    name,
    priority: asNumber(mapGet(spec, 'priority'), 'priority', 0),
    weight,
    max_running: asNumber(mapGet(spec, 'max_running'), 'max_running', null, true),
    max_getwork: asNumber(mapGet(spec, 'max_getwork'), 'max_getwork', 0, true),
    max_retries: asNumber(mapGet(spec, 'max_retries'), 'max_retries', 0, true),
    continuous: truthy(mapGet(spec, 'continuous')),
    interval: asNumber(mapGet(spec, 'interval'), 'interval', null),
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    then: then === undefined || then === null ? null : asName(then, 'then'),
    then_preempts: mapGet(spec, 'then_preempts') === undefined ? true : truthy(mapGet(spec, 'then_preempts')),
    status: truthy(mapGet(spec, 'disabled')) ? 2 : 1,
    min_gb: asNumber(mapGet(spec, 'min_gb'), 'min_gb', 0),
    // Read whole here so that a malformed runner is refused when the spec is set, not when pumped.
    runner: readRunner(spec) !== undefined,
    retention_max_age: asNumber(mapGet(spec, 'retention_max_age'), 'retention_max_age', null),
    retention_max_count: asNumber(mapGet(spec, 'retention_max_count'), 'retention_max_count', null, true),
  };
}

function itemsOf(value: CborValue): CborValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Tuple) return value.items;
  return undefined;
}

/** A key alone has an empty dict; given data (None included) is kept as the worker wrote it. */
function unitData(value: CborValue | undefined): Uint8Array {
  return value === undefined ? EMPTY_MAP : encodedOf(value);
}

/**
 * data['output'] of a finished unit, as units for the `then` spec: a dict key → data, a list of
 * keys, or a list of (key, data[, meta{priority}]) tuples.
 */
export function readOutputs(dataBytes: Uint8Array | null | undefined, thenSpec: Name): OutputUnit[] {
  if (!dataBytes) return [];
  const data = decodeValue(dataBytes);
  if (!isCborMap(data)) return [];
  const output = mapGet(data, 'output');
  if (output === undefined || output === null) return [];
  if (isCborMap(output)) {
    return output.entries.map(([key, value]) => ({
      spec: thenSpec,
      key: asName(key, 'output key'),
      data: unitData(value),
    }));
  }
  const items = itemsOf(output);
  if (!items) throw new ValidationError('output must be a dict or a list', { field: 'output' });
  return items.map((item) => {
    const parts = itemsOf(item);
    if (!parts) return { spec: thenSpec, key: asName(item, 'output key'), data: EMPTY_MAP };
    const unit: OutputUnit = {
      spec: thenSpec,
      key: asName(parts[0], 'output key'),
      data: unitData(parts[1]),
    };
    const meta = parts[2];
    if (meta !== undefined && isCborMap(meta)) {
      const priority = mapGet(meta, 'priority');
      if (typeof priority === 'number') unit.priority = priority;
    }
    return unit;
  });
}

/**
 * data['traceback'] as the client stored it (the encoded value, whatever its kind), when the data
 * is a dict that has one: the original shows it in get_work_unit_status whatever the unit's status.
 */
export function readTracebackValue(dataBytes: Uint8Array | null | undefined): Uint8Array | undefined {
  if (!dataBytes) return undefined;
  const data = decodeValue(dataBytes);
  if (!isCborMap(data)) return undefined;
  const value = mapGet(data, 'traceback');
  return value === undefined ? undefined : encodedOf(value);
}

/** data['traceback'] as text, when there is one that reads as text. */
export function readTraceback(dataBytes: Uint8Array | null | undefined): string | undefined {
  if (!dataBytes) return undefined;
  const data = decodeValue(dataBytes);
  if (!isCborMap(data)) return undefined;
  try {
    return asText(mapGet(data, 'traceback'));
  } catch {
    return undefined;
  }
}

/** Decodes a spec name that came as UTF-8 bytes into text when the client sent bytes. */
export function nameText(name: Name): string {
  return typeof name === 'string' ? name : Buffer.from(name).toString('utf8');
}
