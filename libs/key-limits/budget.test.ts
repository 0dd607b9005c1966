import { describe, expect, it } from 'vitest';
import { decideRelease, decideRenew, decideTake, emptyBudget } from './index.ts';

const take = (state = emptyBudget(), holdId = 'h', now = 1_000, limit = { running: 2 }) =>
  decideTake(state, { holdId, limit, now, leaseMs: 500 });

describe('key budget', () => {
  it('grants holds up to the running limit, then refuses naming it', () => {
    const one = take(undefined, 'a');
    const two = take(one.state, 'b');
    const three = take(two.state, 'c');
    expect([one.granted, two.granted, three.granted]).toEqual([true, true, false]);
    expect(three).toMatchObject({ granted: false, reason: 'running' });
    expect(Object.keys(two.state.holds)).toEqual(['a', 'b']);
  });

  it('gives back the room of released and of lapsed holds', () => {
    const full = take(take(undefined, 'a').state, 'b').state;
    expect(take(decideRelease(full, ['a'], 1_001), 'c', 1_001).granted).toBe(true);
    // Held until 1,500: at 1,500 it has lapsed.
    expect(take(full, 'c', 1_499).granted).toBe(false);
    expect(take(full, 'c', 1_500).granted).toBe(true);
  });

  it('keeps a renewed hold and does not bring back a lapsed one', () => {
    const held = take(undefined, 'a').state;
    expect(decideRenew(held, ['a'], 1_400, 500).holds).toEqual({ a: 1_900 });
    expect(decideRenew(held, ['a'], 1_600, 500).holds).toEqual({});
  });

  it('limits starts per second, counting those of the last second', () => {
    const limit = { perSecond: 2 };
    let state = emptyBudget();
    const at = (holdId: string, now: number) => {
      const d = decideTake(state, { holdId, limit, now, leaseMs: 10_000 });
      state = d.state;
      return d.granted ? 'granted' : d.reason;
    };
    expect([at('a', 0), at('b', 10), at('c', 20), at('d', 1_000), at('e', 1_011)]).toEqual([
      'granted',
      'granted',
      'rate',
      'granted',
      'granted',
    ]);
  });
});
