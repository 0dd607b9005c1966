import { ValidationError } from '@passerine/core';
import type { CborMap } from './map.ts';
import { toHex } from './utf8.ts';

/**
 * Every value a Coordinate client can send or receive. Byte strings (Uint8Array) and text strings
 * (string) are different values end to end: what came as bytes goes back as bytes.
 * Integers outside ±(2^53 − 1) are bigint; all other numbers are JS numbers.
 */
export type CborValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CborValue[]
  | Tuple
  | Uuid
  | CborMap
  | Encoded;

/** CBOR tag 128: a Python tuple. Kept apart from arrays so (key, data) pairs go back as tuples. */
export class Tuple {
  readonly items: CborValue[];

  constructor(items: CborValue[]) {
    this.items = items;
  }

  get length(): number {
    return this.items.length;
  }
}

export function tuple(...items: CborValue[]): Tuple {
  return new Tuple(items);
}

/**
 * A value already encoded: its bytes go out as they are. Answers carry stored data and spec dicts
 * this way, as the client sent them, without a decode and re-encode on every get_work.
 */
export class Encoded {
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** CBOR tag 37: a UUID carried as its 16 raw bytes. */
export class Uuid {
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    if (bytes.length !== 16) throw new ValidationError(`a UUID needs 16 bytes, got ${bytes.length}`);
    this.bytes = bytes;
  }

  static parse(text: string): Uuid {
    if (!uuidPattern.test(text)) throw new ValidationError(`not a UUID: '${text}'`);
    return new Uuid(new Uint8Array(Buffer.from(text.replaceAll('-', ''), 'hex')));
  }

  /** The canonical lower-case 8-4-4-4-12 form, as Python's str(uuid) prints it. */
  toString(): string {
    const hex = toHex(this.bytes);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
