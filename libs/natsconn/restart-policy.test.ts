import { describe, expect, it } from 'vitest';
import { decideRestart } from './restart-policy.ts';

const policy = { maxRestarts: 3, windowMs: 600_000 };

describe('restart policy of a supervised process', () => {
  it('restarts while fewer than the bound happened within the window', () => {
    expect(decideRestart([], 1_000, policy)).toEqual({ restart: true, recent: [1_000] });
    expect(decideRestart([1_000, 2_000], 3_000, policy)).toEqual({
      restart: true,
      recent: [1_000, 2_000, 3_000],
    });
  });

  it('gives up at the bound, saying how often and within how long', () => {
    const decision = decideRestart([1_000, 2_000, 3_000], 4_000, policy);
    expect(decision).toMatchObject({ restart: false, reason: 'restarted 3 times within 10 minutes already' });
  });

  it('forgets restarts older than the window', () => {
    expect(decideRestart([1_000, 2_000, 700_000], 700_500, policy)).toEqual({
      restart: true,
      recent: [700_000, 700_500],
    });
  });

  it('never restarts with a bound of 0', () => {
    expect(decideRestart([], 0, { maxRestarts: 0, windowMs: 1_000 })).toMatchObject({
      restart: false,
      reason: 'restarts are off',
    });
  });
});
