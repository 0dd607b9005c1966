import { CorruptError, ValidationError } from '@passerine/core';
import { Decoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue } from './decode.ts';
import { encodedOf, encodeValue } from './encode.ts';
import { cborEquals } from './equals.ts';
import { CborMap, mapGet } from './map.ts';
import { cborValues } from './test-arbitraries.ts';
import { fromHex, toHex, utf8 } from './utf8.ts';
import { type CborValue, Encoded, Tuple, tuple, Uuid } from './value.ts';

const roundTrip = (value: CborValue) => decodeValue(encodeValue(value));

describe('what a client sent, kept as sent', () => {
  // {b'f': 1.0, b'g': [2.0]} from Python: the floats are integral, so they decode to JS numbers.
  const sent = fromHex('a24166fb3ff0000000000000416781fb4000000000000000');

  it('a decoded map gives back its own bytes, integral floats and all', () => {
    const map = decodeValue(sent) as CborMap;
    expect(toHex(encodeValue(map))).not.toBe(toHex(sent));
    expect(toHex(encodedOf(map))).toBe(toHex(sent));
    // Only maps keep their bytes (data and spec dicts are maps): a bare list is encoded afresh.
    expect(toHex(encodedOf(mapGet(map, 'g')!))).toBe('8102');
  });

  it('a map changed after decoding is encoded afresh', () => {
    const map = (decodeValue(sent) as CborMap).set(utf8('h'), 3);
    expect(toHex(encodedOf(map))).toBe(toHex(encodeValue(map)));
  });

  it('an Encoded value is written as it is, inside anything', () => {
    const framed = encodeValue([1, new Encoded(sent)]);
    expect(toHex(framed)).toBe(`8201${toHex(sent)}`);
    expect(cborEquals(new Encoded(sent), decodeValue(sent))).toBe(true);
  });
});

describe('encodeValue / decodeValue', () => {
  it('round-trips any value exactly', () => {
    fc.assert(
      fc.property(cborValues, (value) => cborEquals(roundTrip(value), value)),
      { numRuns: 2000 },
    );
  });

  it('is deterministic: re-encoding decoded bytes gives the same bytes', () => {
    fc.assert(
      fc.property(cborValues, (value) => {
        const bytes = encodeValue(value);
        return toHex(encodeValue(decodeValue(bytes))) === toHex(bytes);
      }),
    );
  });

  it('keeps byte strings and text strings apart', () => {
    const decoded = roundTrip([utf8('name'), 'name']) as CborValue[];
    expect(decoded[0]).toBeInstanceOf(Uint8Array);
    expect(decoded[1]).toBe('name');
    expect(cborEquals(decoded[0], decoded[1])).toBe(false);
  });

  it('keeps map key kinds and order; mapGet finds text or byte keys', () => {
    const map = new CborMap([
      [utf8('zeta'), 1],
      ['alpha', 2],
      [7, 3],
    ]);
    const decoded = roundTrip(map) as CborMap;
    expect(decoded.keys()[0]).toBeInstanceOf(Uint8Array);
    expect(decoded.keys()[1]).toBe('alpha');
    expect(mapGet(decoded, 'zeta')).toBe(1);
    expect(mapGet(decoded, 'alpha')).toBe(2);
    expect(decoded.get(7)).toBe(3);
    expect(decoded.get('zeta')).toBeUndefined();
  });

  it('encodes floats as float64 like Python, integers in shortest form', () => {
    expect(toHex(encodeValue(0.5))).toBe('fb3fe0000000000000');
    expect(toHex(encodeValue(2.5))).toBe('fb4004000000000000');
    expect(toHex(encodeValue(-0))).toBe('fb8000000000000000');
    expect(toHex(encodeValue(23))).toBe('17');
    expect(toHex(encodeValue(24))).toBe('1818');
    expect(toHex(encodeValue(-1))).toBe('20');
    expect(toHex(encodeValue(2 ** 32))).toBe('1b0000000100000000');
  });

  it('holds integers beyond 2^53 as bigint, up to 64 bits', () => {
    expect(roundTrip(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
    expect(roundTrip(-(2n ** 64n))).toBe(-(2n ** 64n));
    expect(roundTrip(5n)).toBe(5);
    expect(() => encodeValue(2n ** 64n)).toThrow(ValidationError);
  });

  it('decodes half and single precision floats', () => {
    expect(decodeValue(fromHex('f93e00'))).toBe(1.5);
    expect(decodeValue(fromHex('fa3fc00000'))).toBe(1.5);
    expect(decodeValue(fromHex('f97c00'))).toBe(Number.POSITIVE_INFINITY);
  });

  it('decodes nested tuples and UUIDs', () => {
    const uuid = Uuid.parse('00000000-0000-0000-0000-000000000005');
    const value = tuple(1, tuple('x', uuid), [tuple()]);
    const decoded = roundTrip(value) as Tuple;
    expect(decoded).toBeInstanceOf(Tuple);
    expect(((decoded.items[1] as Tuple).items[1] as Uuid).toString()).toBe(uuid.toString());
    expect(cborEquals(decoded, value)).toBe(true);
  });

  it('accepts indefinite-length items and re-encodes them definite', () => {
    expect(decodeValue(fromHex('9f0102ff'))).toEqual([1, 2]);
    expect(decodeValue(fromHex('7f61616162ff'))).toBe('ab');
    expect(mapGet(decodeValue(fromHex('bf616101ff')) as CborMap, 'a')).toBe(1);
  });

  it('produces plain RFC 8949 that an independent decoder (cbor-x) reads the same', () => {
    const oracle = new Decoder({ mapsAsObjects: false, useRecords: false });
    const value = new CborMap([
      [utf8('k'), [1, -300, 0.25, 'text', null, true]],
      ['big', 2n ** 60n],
    ]);
    const viaOracle = oracle.decode(encodeValue(value)) as Map<unknown, unknown>;
    expect([...viaOracle.values()]).toEqual([[1, -300, 0.25, 'text', null, true], 2n ** 60n]);
  });

  it('refuses tags other than 37 and 128, naming the tag', () => {
    expect(() => decodeValue(fromHex('c11a514b67b0'))).toThrow(/unsupported CBOR tag 1\b/);
    expect(() => decodeValue(fromHex('c249010000000000000000'))).toThrow(/tag 2\b/);
    expect(() => decodeValue(fromHex('d8184100'))).toThrow(/tag 24\b/);
    expect(() => decodeValue(fromHex('d8254100'))).toThrow(/16-byte/);
    expect(() => decodeValue(fromHex('d88001'))).toThrow(/must wrap an array/);
  });

  it('refuses truncated, trailing, malformed and hostile input with CorruptError', () => {
    const bad = [
      '',
      '82',
      '8201',
      '0102',
      '5a7fffffff00',
      '9b0000000100000000',
      'f8ff',
      '62c328',
      '1c',
      'ff',
      '7f01ff',
    ];
    for (const hex of bad) expect(() => decodeValue(fromHex(hex)), hex).toThrow(CorruptError);
    expect(() => decodeValue(fromHex('81'.repeat(100_000)))).toThrow(/deeper/);
  });

  it('never throws anything but CorruptError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeValue(bytes);
        } catch (err) {
          if (!(err instanceof CorruptError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses to encode values outside the model', () => {
    expect(() => encodeValue(undefined as unknown as CborValue)).toThrow(/undefined/);
    expect(() => encodeValue(new Date() as unknown as CborValue)).toThrow(/Date/);
  });
});
