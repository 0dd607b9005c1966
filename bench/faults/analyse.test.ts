import { describe, expect, it } from 'vitest';
import { lostKeys, overlappingKeys, perSecond, recoveryTimes } from './analyse.ts';

describe("bench:faults' verdicts", () => {
  it('calls lost what was acknowledged and never finished', () => {
    expect(lostKeys(['a', 'b', 'c'], new Set(['a', 'c']))).toEqual(['b']);
  });

  it('finds two runs of one key overlapping in time, not runs one after the other', () => {
    const runs = [
      { key: 'a', start: 0, end: 10, source: 'w1' },
      { key: 'a', start: 10, end: 20, source: 'w2' },
      { key: 'b', start: 0, end: 10, source: 'w1' },
      { key: 'b', start: 5, end: 8, source: 'w2' },
      { key: 'c', start: 0, source: 'w1' },
      { key: 'c', start: 5, end: 9, source: 'w2' },
    ];
    expect(overlappingKeys(runs)).toEqual(['b']);
  });

  it('counts ops per second and times recovery to 80% of the median before a fault', () => {
    const rates = perSecond([0, 100, 1500, 2500, 2600, 5100, 5200], 0, 6000);
    expect(rates).toEqual([2, 1, 2, 0, 0, 2]);
    expect(recoveryTimes([10, 10, 10, 10, 0, 0, 9, 10], [4])).toEqual([2]);
    expect(recoveryTimes([10, 10, 0, 0], [2])).toEqual([null]);
  });
});
