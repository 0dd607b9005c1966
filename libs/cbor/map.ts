import { ValidationError } from '@passerine/core';
import { cborEquals } from './equals.ts';
import { utf8 } from './utf8.ts';
import type { CborValue } from './value.ts';

export type CborMapEntry = readonly [key: CborValue, value: CborValue];

/**
 * A CBOR map that keeps its keys as they came (byte or text strings, or anything else) and in the
 * order they came, so a response re-encodes to the bytes the Python server would have sent.
 * Lookups compare by value; a text key also finds the equal byte-string key (see `mapGet`).
 */
export class CborMap {
  readonly entries: CborMapEntry[];
  /**
   * The bytes a decoded map was read from, so that what a client sent is stored and sent back as
   * sent: an integral float (1.0) reads as the JS number 1 and would come back an int. Cleared by
   * `set`; `encodedOf` uses it. Private, so that two equal maps stay equal to deep comparisons.
   */
  #source: Uint8Array | undefined;

  constructor(entries: Iterable<CborMapEntry> = []) {
    this.entries = [...entries];
  }

  /** A map with text keys, in the object's key order. */
  static fromObject(object: Record<string, CborValue>, keys: 'text' | 'bytes' = 'text'): CborMap {
    return new CborMap(
      Object.entries(object).map(([key, value]): CborMapEntry => [keys === 'bytes' ? utf8(key) : key, value]),
    );
  }

  get source(): Uint8Array | undefined {
    return this.#source;
  }

  /** Called by the decoder. */
  readFrom(bytes: Uint8Array): this {
    this.#source = bytes;
    return this;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The value under exactly this key (same kind, same content), or undefined. */
  get(key: CborValue): CborValue | undefined {
    return this.entries.find(([k]) => cborEquals(k, key))?.[1];
  }

  has(key: CborValue): boolean {
    return this.entries.some(([k]) => cborEquals(k, key));
  }

  /** Replaces the value of an existing equal key in place, or appends a new entry. */
  set(key: CborValue, value: CborValue): this {
    this.#source = undefined;
    const index = this.entries.findIndex(([k]) => cborEquals(k, key));
    if (index >= 0) this.entries[index] = [this.entries[index][0], value];
    else this.entries.push([key, value]);
    return this;
  }

  keys(): CborValue[] {
    return this.entries.map(([k]) => k);
  }

  [Symbol.iterator](): Iterator<CborMapEntry> {
    return this.entries[Symbol.iterator]();
  }
}

/** True when `key` is the text `name` or the byte string holding its UTF-8 encoding. */
export function isKeyNamed(key: CborValue, name: string): boolean {
  if (typeof key === 'string') return key === name;
  if (key instanceof Uint8Array) return bytesNamed(key, name);
  return false;
}

/** Field names are ASCII: compared code by code without encoding the name on every lookup. */
function bytesNamed(bytes: Uint8Array, name: string): boolean {
  if (bytes.length !== name.length) return bytes.length > name.length && cborEquals(bytes, utf8(name));
  for (let i = 0; i < bytes.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x80) return cborEquals(bytes, utf8(name));
    if (bytes[i] !== code) return false;
  }
  return true;
}

/**
 * Looks a field up by name whether the client sent the key as text ('name') or as bytes (b'name',
 * as the Python 2 client does). Returns undefined when absent.
 */
export function mapGet(map: CborMap, name: string): CborValue | undefined {
  for (const entry of map.entries) if (isKeyNamed(entry[0], name)) return entry[1];
  return undefined;
}

/** Like `mapGet`, but a missing field is a validation error naming it. */
export function mapRequire(map: CborMap, name: string): CborValue {
  const value = mapGet(map, name);
  if (value === undefined) throw new ValidationError(`missing field '${name}'`, { field: name });
  return value;
}

export function isCborMap(value: unknown): value is CborMap {
  return value instanceof CborMap;
}
