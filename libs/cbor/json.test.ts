import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborEquals } from './equals.ts';
import { fromJsonValue, type JsonValue, toJsonValue } from './json.ts';
import { CborMap } from './map.ts';
import { cborValues } from './test-arbitraries.ts';
import { utf8 } from './utf8.ts';
import { tuple, Uuid } from './value.ts';

describe('toJsonValue / fromJsonValue', () => {
  it('round-trips any value, through JSON text too', () => {
    fc.assert(
      fc.property(cborValues, (value) => {
        const json = JSON.parse(JSON.stringify(toJsonValue(value))) as JsonValue;
        return cborEquals(fromJsonValue(json), value);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes the documented forms', () => {
    const value = new CborMap([
      ['name', utf8('sa')],
      ['tup', tuple(1, 'x')],
      ['u', Uuid.parse('00000000-0000-0000-0000-000000000005')],
      ['big', 2n ** 60n],
      ['nan', Number.NaN],
    ]);
    expect(toJsonValue(value)).toEqual({
      name: { $bytes: 'c2E=' },
      tup: { $tuple: [1, 'x'] },
      u: { $uuid: '00000000-0000-0000-0000-000000000005' },
      big: { $bigint: '1152921504606846976' },
      nan: { $float: 'NaN' },
    });
  });

  it('keeps maps with byte or "$" keys as entry lists so nothing is confused', () => {
    expect(toJsonValue(new CborMap([[utf8('k'), 1]]))).toEqual({ $map: [[{ $bytes: 'aw==' }, 1]] });
    expect(toJsonValue(new CborMap([['$bytes', 'not bytes']]))).toEqual({ $map: [['$bytes', 'not bytes']] });
    // JS objects would list '0' before 'b', losing the order.
    expect(
      toJsonValue(
        new CborMap([
          ['b', 1],
          ['0', 2],
        ]),
      ),
    ).toEqual({
      $map: [
        ['b', 1],
        ['0', 2],
      ],
    });
  });

  it('names a bad marker', () => {
    expect(() => fromJsonValue({ $what: 1 })).toThrow(/\$what/);
    expect(() => fromJsonValue({ $bytes: 1 })).toThrow(/\$bytes must hold a string/);
  });
});
