import { describe, expect, it } from 'vitest';
import { startedWork } from './queries/attempt-queries.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { blob, Namespace } from './test-support/specification.ts';

describe('scale sanity (no timing asserts: this only fails if something is quadratic enough to time out)', () => {
  it('adds 100k units and takes them all', () => {
    const ns = new Namespace();
    ns.run({ type: 'SetWorkSpec', name: 'big', data: blob('big') });
    const data = blob('x'.repeat(50));
    for (let batch = 0; batch < 10; batch++) {
      const units = Array.from({ length: 10_000 }, (_, i) => ({
        key: `unit-${batch}-${i}`,
        data,
        priority: i % 3,
      }));
      ns.run({ type: 'AddWorkUnits', spec: 'big', units });
    }
    expect(countWorkUnits(ns.state, 'big')).toEqual({ 1: 100_000 });
    let taken = 0;
    for (;;) {
      const got = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 100 }));
      if (got.length === 0) break;
      for (const g of got) ns.run({ type: 'FinishAttempt', attemptId: g.attempt_id });
      taken += got.length;
    }
    expect(taken).toBe(100_000);
    expect(countWorkUnits(ns.state, 'big')).toEqual({ 4: 100_000 });
  });
});
