import { describe, expect, it } from 'vitest';
import { parseDuration, parseTime } from './time-flags.ts';

describe('time flags of jobs submit', () => {
  it('reads durations as people write them', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5d')).toBe(129_600_000);
    expect(() => parseDuration('5')).toThrow('--ttl "5" is not a duration such as 90s, 5m, 1h30m or 2d');
    expect(() => parseDuration('0s')).toThrow('--ttl "0s" is no time at all');
    expect(() => parseDuration('-5m')).toThrow(/is not a duration/);
  });

  it('reads times as ISO 8601 or +DURATION from now', () => {
    expect(parseTime('2026-12-02T06:00:00Z', 0)).toBe(Date.UTC(2026, 11, 2, 6));
    expect(parseTime('+10m', 1_000)).toBe(601_000);
    expect(() => parseTime('tomorrow', 0)).toThrow(/--not-before "tomorrow" is not a time: give ISO 8601/);
    expect(() => parseTime('2026-13-45', 0)).toThrow(/is not a time/);
  });
});
