import { CborMap, type CborValue, encodedOf, mapGet } from '@passerine/cbor';
import { limits, TooLargeError, ValidationError } from '@passerine/core';
import { MAX_UNITS_PER_ADD } from '@passerine/workqueue-api';
import { readKey, readList, readOptionalNumber, type Name } from './wire-read.ts';

export interface UnitToAdd {
  key: Name;
  data: Uint8Array;
  priority?: number;
}

/**
 * One internal add request must fit in one NATS message (and one commit), so units are sent in
 * batches bounded by count and by bytes. Half the message limit leaves room for msgpack framing
 * and the store's event envelope.
 */
export const MAX_BATCH_BYTES = Math.floor(limits.maxMessageBytes / 2);
const PER_UNIT_OVERHEAD = 16;

/** Reads Coordinate's [(key, data[, meta{priority}])…]; data is stored as sent, None included. */
export function readUnits(value: CborValue | undefined): UnitToAdd[] {
  return readList(value, 'work_unit_key_vals').map((item, i) => {
    const field = `work_unit_key_vals[${i}]`;
    const parts = readList(item, field);
    if (parts.length < 2 || parts.length > 3) {
      throw new ValidationError(`${field} must be (key, data) or (key, data, meta)`, { field });
    }
    const [key, data, meta] = parts;
    const unit: UnitToAdd = {
      key: readKey(key, `${field} key`),
      data: encodedOf(data),
    };
    if (meta !== undefined && meta !== null) {
      if (!(meta instanceof CborMap)) throw new ValidationError(`${field} meta must be a dict`, { field });
      const priority = readOptionalNumber(mapGet(meta, 'priority'), `${field} priority`);
      if (priority !== undefined) unit.priority = priority;
    }
    if (unitBytes(unit) > MAX_BATCH_BYTES) {
      throw new TooLargeError(`${field} is larger than ${MAX_BATCH_BYTES} bytes`, { field });
    }
    return unit;
  });
}

function unitBytes(unit: UnitToAdd): number {
  return unit.key.length * 3 + unit.data.length + PER_UNIT_OVERHEAD;
}

/** Consecutive batches, each within MAX_UNITS_PER_ADD units and MAX_BATCH_BYTES bytes. */
export function batchUnits(units: readonly UnitToAdd[], maxBytes = MAX_BATCH_BYTES): UnitToAdd[][] {
  const batches: UnitToAdd[][] = [];
  let current: UnitToAdd[] = [];
  let bytes = 0;
  for (const unit of units) {
    const size = unitBytes(unit);
    if (current.length > 0 && (current.length >= MAX_UNITS_PER_ADD || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(unit);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
