import fc from 'fast-check';
import { CborMap, type CborMapEntry } from './map.ts';
import { type CborValue, Tuple, Uuid } from './value.ts';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Integers as the model holds them: numbers inside ±(2^53 − 1), bigints beyond, up to 64 bits. */
const bigIntegers = fc.oneof(
  fc.bigInt({ min: SAFE + 1n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: -(1n << 64n), max: -SAFE - 2n }),
);

/** Floats that decode as floats: integral doubles inside the safe range come back as integers. */
const floats = fc.double().filter((d) => !Number.isSafeInteger(d));

const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => new Uint8Array(b));
const uuids = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new Uuid(new Uint8Array(b)));

const scalar: fc.Arbitrary<CborValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  bigIntegers,
  floats,
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  bytes,
  uuids,
);

/** Any CborValue, including maps with byte-string keys and nested tuples. */
export const cborValues: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => new Tuple(items)),
    fc
      .array(fc.tuple(fc.oneof(fc.string(), bytes, fc.integer(), tie('value')), tie('value')), {
        maxLength: 5,
      })
      .map((entries) => new CborMap(entries as CborMapEntry[])),
  ),
})).value;
