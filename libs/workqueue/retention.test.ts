import { ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { evolve } from './evolve/evolve.ts';
import { nameOfCanonical } from './keys.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { restoreNamespace, snapshotNamespace } from './snapshot.ts';
import { blob, given, Namespace } from './test-support/specification.ts';

/** A spec with a retention policy and `n` units, all finished one second apart. */
function finishedUnits(meta: Record<string, number>, n: number) {
  const ns = new Namespace();
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa'), meta });
  ns.run({
    type: 'AddWorkUnits',
    spec: 'sa',
    units: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, data: blob('') })),
  });
  for (let i = 0; i < n; i++) {
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: `k${i}`, status: 4 });
    ns.ctx.advance(1000);
  }
  return ns;
}

describe('retention per work spec', () => {
  it('by age: units that ended longer ago than retention_max_age leave memory, the rest stay', () => {
    const ns = finishedUnits({ retention_max_age: 2.5 }, 5);
    // Ended at t0..t0+4s; now t0+5s: those ended more than 2.5 s ago are k0, k1, k2.
    const events = ns.run({ type: 'ApplyRetention' });
    expect(events).toEqual([
      { type: 'UnitsRetired', data: { spec: 'sa', at: ns.ctx.now, keys: ['k0', 'k1', 'k2'] } },
    ]);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 4: 2 });
    expect(ns.run({ type: 'ApplyRetention' })).toEqual([]);
  });

  it('by count: only the newest retention_max_count ended units are kept; live units are never retired', () => {
    const ns = finishedUnits({ retention_max_count: 2 }, 4);
    ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'live', data: blob('') }] });
    ns.run({ type: 'ApplyRetention' });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1, 4: 2 });
  });

  it('a unit ended again moves to the back of the order; one added again since it was chosen stays', () => {
    const ns = finishedUnits({ retention_max_count: 1 }, 2);
    // k0 is reset and finished again: now it is the newest ended unit, k1 the oldest.
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k0', status: 1 });
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k0', status: 4 });
    const [retired] = ns.run({ type: 'ApplyRetention' });
    expect(retired.data).toMatchObject({ keys: ['k1'] });
    const stale = { ...retired, data: { ...retired.data, keys: ['k0'] } };
    ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'k0', data: blob('again') }] });
    evolve(ns.state, stale);
    expect(ns.state.ignoredEvents).toBe(1);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
  });

  it('bounded per tick by its limit; without a policy nothing is retired', () => {
    const ns = finishedUnits({ retention_max_count: 0 }, 5);
    expect(ns.run({ type: 'ApplyRetention', limit: 2 })[0].data).toMatchObject({ keys: ['k0', 'k1'] });
    expect(finishedUnits({}, 3).run({ type: 'ApplyRetention' })).toEqual([]);
  });

  it('a restored snapshot keeps the order in which units ended', () => {
    const ns = finishedUnits({ retention_max_count: 2 }, 3);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k0', status: 1 });
    ns.ctx.advance(1000);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k0', status: 4 });
    const restored = restoreNamespace(snapshotNamespace(ns.state));
    const spec = [...restored.specs.values()][0];
    expect([...spec.ended].map((u) => nameOfCanonical(u.key))).toEqual(['k1', 'k2', 'k0']);
    // Replay of the log gives the same state as the live one.
    const replayed = ns.log.reduce(evolve, new Namespace().state);
    expect([...[...replayed.specs.values()][0].ended].map((u) => nameOfCanonical(u.key))).toEqual([
      'k1',
      'k2',
      'k0',
    ]);
  });

  it('refuses a negative or fractional policy, naming the field', () => {
    given()
      .when({ type: 'SetWorkSpec', name: 's', data: blob(''), meta: { retention_max_age: -1 } })
      .thenThrows(ValidationError, 'retention_max_age must not be negative');
    given()
      .when({ type: 'SetWorkSpec', name: 's', data: blob(''), meta: { retention_max_count: 1.5 } })
      .thenThrows(ValidationError, /retention_max_count must be an integer/);
  });
});
