import { MAX_UNITS_PER_ADD } from '@passerine/workqueue-api';
import { describe, expect, it } from 'vitest';
import { batchUnits, MAX_BATCH_BYTES } from './add-unit-batches.ts';
import { readArgs } from './params.ts';
import { pythonTwoMessage } from './wire-write.ts';

const unit = (key: string, size = 1) => ({ key, data: new Uint8Array(size) });

describe('add_work_units batches', () => {
  it('split by count', () => {
    const batches = batchUnits(Array.from({ length: MAX_UNITS_PER_ADD * 2 + 1 }, (_, i) => unit(`k${i}`)));
    expect(batches.map((b) => b.length)).toEqual([MAX_UNITS_PER_ADD, MAX_UNITS_PER_ADD, 1]);
  });

  it('split by bytes, keeping the order', () => {
    const big = Math.floor(MAX_BATCH_BYTES / 3);
    const batches = batchUnits(['a', 'b', 'c', 'd'].map((k) => unit(k, big)));
    expect(batches.map((b) => b.map((u) => u.key))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});

describe('messages', () => {
  it('print byte-string names the way the Python 2 server did', () => {
    expect(pythonTwoMessage("no such work_spec b'missing'")).toBe("no such work_spec 'missing'");
    expect(pythonTwoMessage("no such work unit key=b'\\xff'")).toBe("no such work unit key='\\xff'");
    expect(pythonTwoMessage("no such work_spec 'ab'c'")).toBe("no such work_spec 'ab'c'");
  });
});

describe('params', () => {
  it('read positional and keyword params against the parameter names', () => {
    expect(readArgs('m', ['a'], ['x', 'y'], 1)).toEqual(['a', undefined]);
    expect(() => readArgs('m', ['a', 'b', 'c'], ['x', 'y'])).toThrow(
      'm() takes exactly 2 arguments (x, y), got 3',
    );
    // The original's methods take every argument but archive's options: Python refuses fewer.
    expect(() => readArgs('m', ['a'], ['x', 'y'])).toThrow('m() takes exactly 2 arguments (x, y), got 1');
  });
});
