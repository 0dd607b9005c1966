import { CorruptError } from '@passerine/core';
import { CborMap, type CborMapEntry } from './map.ts';
import { MajorType, TAG_TUPLE, TAG_UUID } from './tags.ts';
import { fromUtf8, toHex } from './utf8.ts';
import { type CborValue, Tuple, Uuid } from './value.ts';

const MAX_DEPTH = 512;
const BREAK = 0xff;

/**
 * Decodes exactly one CBOR item filling all of `bytes`. Strict on purpose: any tag but 37 and
 * 128, undefined simple values, invalid UTF-8, truncation and trailing bytes are a CorruptError
 * naming what was wrong. Declared lengths are checked against the remaining input before
 * anything is allocated, so a hostile length cannot make us reserve memory.
 */
export function decodeValue(bytes: Uint8Array): CborValue {
  const reader = new CborReader(bytes);
  const value = reader.readValue(0);
  if (reader.offset !== bytes.length) {
    throw new CorruptError(`${bytes.length - reader.offset} trailing byte(s) after the CBOR item`);
  }
  return value;
}

class CborReader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): void {
    if (count > this.bytes.length - this.offset) {
      throw new CorruptError(`CBOR input truncated at byte ${this.offset} (needs ${count} more)`);
    }
  }

  private byte(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  /** The argument of a head: a number when it fits in 2^53, else a bigint; null for indefinite. */
  private argument(info: number): number | bigint | null {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.byte();
      case 25:
        this.need(2);
        this.offset += 2;
        return this.view.getUint16(this.offset - 2);
      case 26:
        this.need(4);
        this.offset += 4;
        return this.view.getUint32(this.offset - 4);
      case 27: {
        this.need(8);
        this.offset += 8;
        const value = this.view.getBigUint64(this.offset - 8);
        return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      case 31:
        return null;
      default:
        throw new CorruptError(`reserved additional information ${info} at byte ${this.offset - 1}`);
    }
  }

  /** A length or count; anything beyond the remaining input cannot be genuine. */
  private length(argument: number | bigint, minBytesPerItem: number): number {
    const remaining = this.bytes.length - this.offset;
    if (typeof argument === 'bigint' || argument * minBytesPerItem > remaining) {
      throw new CorruptError(
        `declared length ${argument} at byte ${this.offset} exceeds the ${remaining} bytes left`,
      );
    }
    return argument;
  }

  readValue(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new CorruptError(`CBOR nests deeper than ${MAX_DEPTH} levels`);
    const start = this.offset;
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === MajorType.simple) return this.simple(info);
    const argument = this.argument(info);
    switch (major) {
      case MajorType.unsigned:
        return argument ?? this.indefiniteNotAllowed('an integer');
      case MajorType.negative:
        return negative(argument ?? this.indefiniteNotAllowed('an integer'));
      case MajorType.bytes:
        return argument === null ? this.chunkedString(MajorType.bytes) : this.rawBytes(argument);
      case MajorType.text:
        return argument === null
          ? fromUtf8(this.chunkedString(MajorType.text), 'text string')
          : fromUtf8(this.rawBytes(argument), 'text string');
      case MajorType.array:
        return this.array(argument, depth);
      case MajorType.map:
        return this.map(argument, depth, start);
      default:
        return this.tagged(argument ?? this.indefiniteNotAllowed('a tag'), depth);
    }
  }

  private indefiniteNotAllowed(what: string): never {
    throw new CorruptError(`${what} cannot have indefinite length (byte ${this.offset - 1})`);
  }

  private simple(info: number): CborValue {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23: // undefined: Python has no such value, so it can only mean None
        return null;
      case 25:
        this.need(2);
        this.offset += 2;
        return float16(this.view.getUint16(this.offset - 2));
      case 26:
        this.need(4);
        this.offset += 4;
        return this.view.getFloat32(this.offset - 4);
      case 27:
        this.need(8);
        this.offset += 8;
        return this.view.getFloat64(this.offset - 8);
      case 31:
        throw new CorruptError(`unexpected break code at byte ${this.offset - 1}`);
      default:
        throw new CorruptError(`unsupported simple value ${info} at byte ${this.offset - 1}`);
    }
  }

  private rawBytes(argument: number | bigint): Uint8Array {
    const length = this.length(argument, 1);
    this.offset += length;
    return this.bytes.slice(this.offset - length, this.offset);
  }

  private atBreak(): boolean {
    this.need(1);
    if (this.bytes[this.offset] !== BREAK) return false;
    this.offset++;
    return true;
  }

  private chunkedString(major: number): Uint8Array {
    const chunks: Uint8Array[] = [];
    while (!this.atBreak()) {
      const initial = this.byte();
      if (initial >> 5 !== major || (initial & 0x1f) === 31) {
        throw new CorruptError(`bad chunk in an indefinite-length string at byte ${this.offset - 1}`);
      }
      chunks.push(this.rawBytes(this.argument(initial & 0x1f) as number | bigint));
    }
    return new Uint8Array(Buffer.concat(chunks));
  }

  private array(argument: number | bigint | null, depth: number): CborValue[] {
    const items: CborValue[] = [];
    if (argument === null) {
      while (!this.atBreak()) items.push(this.readValue(depth + 1));
      return items;
    }
    const count = this.length(argument, 1);
    for (let i = 0; i < count; i++) items.push(this.readValue(depth + 1));
    return items;
  }

  /** A map remembers the bytes it was read from (see CborMap.source). */
  private map(argument: number | bigint | null, depth: number, start: number): CborMap {
    const entries: CborMapEntry[] = [];
    if (argument === null) {
      while (!this.atBreak()) entries.push(this.readEntry(depth));
    } else {
      const count = this.length(argument, 2);
      for (let i = 0; i < count; i++) entries.push(this.readEntry(depth));
    }
    return new CborMap(entries).readFrom(this.bytes.subarray(start, this.offset));
  }

  private readEntry(depth: number): CborMapEntry {
    const key = this.readValue(depth + 1);
    return [key, this.readValue(depth + 1)];
  }

  private tagged(tag: number | bigint, depth: number): CborValue {
    const at = this.offset;
    if (tag === TAG_TUPLE) {
      const content = this.readValue(depth + 1);
      if (!Array.isArray(content)) throw new CorruptError(`tag 128 (tuple) must wrap an array (byte ${at})`);
      return new Tuple(content);
    }
    if (tag === TAG_UUID) {
      const content = this.readValue(depth + 1);
      if (!(content instanceof Uint8Array) || content.length !== 16) {
        throw new CorruptError(`tag 37 (UUID) must wrap a 16-byte byte string (byte ${at})`);
      }
      return new Uuid(content);
    }
    const peek = toHex(this.bytes.subarray(at, at + 8));
    throw new CorruptError(
      `unsupported CBOR tag ${tag} at byte ${at} (next bytes ${peek}); only 37 and 128 are allowed`,
    );
  }
}

function negative(argument: number | bigint): number | bigint {
  if (typeof argument === 'bigint') return -1n - argument;
  const value = -1 - argument;
  return Number.isSafeInteger(value) ? value : -1n - BigInt(argument);
}

/** IEEE 754 half precision, which CBOR encoders may use for short floats. */
function float16(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}
