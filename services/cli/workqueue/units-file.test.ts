import { decodeValue, mapGet } from '@passerine/cbor';
import { describe, expect, it } from 'vitest';
import { parseUnitLine } from './units-file.ts';

describe('a line of a units file', () => {
  it('reads key, data and priority; a blank line is no unit', () => {
    const unit = parseUnitLine('{"key": "u1", "data": {"n": 1}, "priority": 5}')!;
    expect(unit.key).toBe('u1');
    expect(mapGet(decodeValue(unit.data) as never, 'n')).toBe(1);
    expect(unit.priority).toBe(5);
    expect(parseUnitLine('   ')).toBeNull();
  });

  it('keeps a byte-string key apart from text, and defaults data to an empty dict', () => {
    const unit = parseUnitLine('{"key": {"$bytes": "/wA="}}')!;
    expect([...(unit.key as Uint8Array)]).toEqual([0xff, 0x00]);
    expect(unit.data).toEqual(new Uint8Array([0xa0]));
  });

  it.each([
    ['{"key": "a",}', /not valid JSON/],
    ['["a"]', /must be a JSON object/],
    ['{"data": {}}', /missing "key"/],
    ['{"key": 7}', /"key" must be a string/],
    ['{"key": "a", "data": [1]}', /"data" must be a JSON object/],
    ['{"key": "a", "priority": "high"}', /"priority" must be a number/],
    ['{"key": "a", "prio": 1}', /unknown field "prio"/],
  ])('refuses %s', (line, message) => {
    expect(() => parseUnitLine(line)).toThrow(message);
  });
});
