import { ValidationError } from '@passerine/core';
import { ByteWriter } from './byte-writer.ts';
import { CborMap } from './map.ts';
import { MajorType, TAG_TUPLE, TAG_UUID } from './tags.ts';
import { utf8 } from './utf8.ts';
import { type CborValue, Encoded, Tuple, Uuid } from './value.ts';

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_DEPTH = 512;

/**
 * Encodes a value as plain RFC 8949 CBOR the way the Python `cbor` module does: shortest-form
 * lengths and integers, definite lengths only, every non-integral number as a float64 (Python
 * floats are doubles; the transcript shows `fb` floats), map entries in their stored order, and
 * no tags but 37 (UUID) and 128 (tuple).
 */
export function encodeValue(value: CborValue): Uint8Array {
  return encodeInto(new ByteWriter(), value).finish();
}

/** Appends the encoding of `value` to `writer` (see `encodeValue`). */
export function encodeInto(writer: ByteWriter, value: CborValue): ByteWriter {
  writeValue(writer, value, 0);
  return writer;
}

function writeHead(writer: ByteWriter, major: number, argument: number | bigint): void {
  const prefix = major << 5;
  if (typeof argument === 'bigint' || argument > 0xffffffff) {
    writer.byte(prefix | 27);
    writer.uint64(BigInt(argument));
  } else if (argument < 24) {
    writer.byte(prefix | argument);
  } else if (argument <= 0xff) {
    writer.byte(prefix | 24);
    writer.byte(argument);
  } else if (argument <= 0xffff) {
    writer.byte(prefix | 25);
    writer.uint16(argument);
  } else {
    writer.byte(prefix | 26);
    writer.uint32(argument);
  }
}

function writeNumber(writer: ByteWriter, value: number): void {
  // -0 and integral values beyond 2^53 are floats in any language that produced them.
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    if (value >= 0) writeHead(writer, MajorType.unsigned, value);
    else writeHead(writer, MajorType.negative, -1 - value);
    return;
  }
  writer.byte(0xfb);
  writer.float64(value);
}

/**
 * The bytes of a value as a client sent it: a decoded map's own source bytes, an Encoded value's
 * bytes, else its encoding. What is stored from a request goes through here.
 */
export function encodedOf(value: CborValue): Uint8Array {
  if (value instanceof CborMap && value.source !== undefined) return value.source;
  if (value instanceof Encoded) return value.bytes;
  return encodeValue(value);
}

function writeBigInt(writer: ByteWriter, value: bigint): void {
  const [major, argument] = value >= 0n ? [MajorType.unsigned, value] : [MajorType.negative, -1n - value];
  if (argument > MAX_UINT64) {
    throw new ValidationError(
      `integer ${value} does not fit in 64 bits; bignum tags are not part of Coordinate`,
    );
  }
  if (argument <= BigInt(Number.MAX_SAFE_INTEGER)) writeHead(writer, major, Number(argument));
  else writeHead(writer, major, argument);
}

function writeValue(writer: ByteWriter, value: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new ValidationError(`value nests deeper than ${MAX_DEPTH} levels`);
  if (value === null) writer.byte(0xf6);
  else if (typeof value === 'boolean') writer.byte(value ? 0xf5 : 0xf4);
  else if (typeof value === 'number') writeNumber(writer, value);
  else if (typeof value === 'bigint') writeBigInt(writer, value);
  else if (typeof value === 'string') writeText(writer, value);
  else if (value instanceof Uint8Array) writeString(writer, MajorType.bytes, value);
  else if (Array.isArray(value)) writeArray(writer, value, depth);
  else if (value instanceof Tuple) {
    writeHead(writer, MajorType.tag, TAG_TUPLE);
    writeArray(writer, value.items, depth + 1);
  } else if (value instanceof Uuid) {
    writeHead(writer, MajorType.tag, TAG_UUID);
    writeString(writer, MajorType.bytes, value.bytes);
  } else if (value instanceof Encoded) {
    writer.bytes(value.bytes);
  } else if (value instanceof CborMap) {
    writeHead(writer, MajorType.map, value.size);
    for (const [key, item] of value.entries) {
      writeValue(writer, key, depth + 1);
      writeValue(writer, item, depth + 1);
    }
  } else throw new ValidationError(`cannot encode ${describe(value)} as Coordinate CBOR`);
}

/** Short ASCII text (names, keys, ids) is written as it is, without a UTF-8 encoder round trip. */
function writeText(writer: ByteWriter, value: string): void {
  if (value.length <= 256 && isAscii(value)) {
    writeHead(writer, MajorType.text, value.length);
    writer.ascii(value);
  } else writeString(writer, MajorType.text, utf8(value));
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
}

function writeString(writer: ByteWriter, major: number, bytes: Uint8Array): void {
  writeHead(writer, major, bytes.length);
  writer.bytes(bytes);
}

function writeArray(writer: ByteWriter, items: CborValue[], depth: number): void {
  writeHead(writer, MajorType.array, items.length);
  for (const item of items) writeValue(writer, item, depth + 1);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  const name = (value as object)?.constructor?.name;
  return name ? `a ${name}` : typeof value;
}
