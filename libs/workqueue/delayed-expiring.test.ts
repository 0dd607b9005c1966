import { ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { evolve } from './evolve/evolve.ts';
import { nextDeadline } from './queries/deadline.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkUnitStatus } from './queries/unit-queries.ts';
import { restoreNamespace, snapshotNamespace } from './snapshot.ts';
import { createNamespaceState } from './state.ts';
import { blob, Namespace } from './test-support/specification.ts';

function withSpec() {
  const ns = new Namespace();
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa') });
  return ns;
}
const seconds = (ms: number) => ms / 1000;

describe('delayed and expiring units', () => {
  it('a unit with a not-before waits for it; one in the past runs now', () => {
    const ns = withSpec();
    const now = ns.ctx.now;
    ns.run({
      type: 'AddWorkUnits',
      spec: 'sa',
      units: [
        { key: 'later', data: blob(''), notBefore: seconds(now + 60_000) },
        { key: 'past', data: blob(''), notBefore: seconds(now - 60_000) },
      ],
    });
    expect(ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 5 })[0].data).toMatchObject({
      attempts: [{ key: 'past' }],
    });
    expect(nextDeadline(ns.state)).toBe(now + 60_000);
    ns.ctx.advance(60_000);
    ns.run({ type: 'ReleaseDelayedUnits' });
    expect(ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 5 })[0].data).toMatchObject({
      attempts: [{ key: 'later' }],
    });
  });

  it('a unit nobody took within its time to live is recorded as expired, not dropped; a taken one is not', () => {
    const ns = withSpec();
    const now = ns.ctx.now;
    const expiresAt = seconds(now + 10_000);
    ns.run({
      type: 'AddWorkUnits',
      spec: 'sa',
      units: [
        { key: 'taken', data: blob(''), expiresAt, priority: 5 },
        { key: 'left', data: blob(''), expiresAt },
      ],
    });
    ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 1 });
    expect(ns.run({ type: 'ExpireUnits' })).toEqual([]);
    ns.ctx.advance(10_000);
    expect(ns.run({ type: 'ExpireUnits' })).toEqual([
      { type: 'UnitsExpired', data: { at: now + 10_000, units: [{ spec: 'sa', key: 'left' }] } },
    ]);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 3: 1, 5: 1 });
    const [left] = getWorkUnitStatus(ns.state, 'sa', ['left'], true);
    expect(left?.traceback).toMatch(/^expired: its time to live ended at .* while it waited for a worker$/);
    expect(ns.run({ type: 'ExpireUnits' })).toEqual([]);
    const replayed = ns.log.reduce(evolve, createNamespaceState());
    expect(snapshotNamespace(replayed)).toEqual(snapshotNamespace(ns.state));
  });

  it('a time to live already passed, or ending before the not-before, is refused at submit, naming the field', () => {
    const ns = withSpec();
    const now = ns.ctx.now;
    const add = (unit: object) => () =>
      ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'k', data: blob(''), ...unit }] });
    expect(add({ expiresAt: seconds(now - 1) })).toThrow(ValidationError);
    expect(add({ expiresAt: seconds(now - 1) })).toThrow(/work_units\[0\]\.expires_at .* has already passed/);
    expect(add({ notBefore: seconds(now + 20_000), expiresAt: seconds(now + 10_000) })).toThrow(
      'work_units[0].expires_at is not after its not_before; the unit would never run',
    );
    expect(countWorkUnits(ns.state, 'sa')).toEqual({});
  });

  it('a snapshot keeps both times', () => {
    const ns = withSpec();
    const now = ns.ctx.now;
    ns.run({
      type: 'AddWorkUnits',
      spec: 'sa',
      units: [{ key: 'k', data: blob(''), notBefore: seconds(now + 5_000), expiresAt: seconds(now + 9_000) }],
    });
    const restored = restoreNamespace(snapshotNamespace(ns.state));
    expect(nextDeadline(restored)).toBe(now + 5_000);
    expect(restored.expiring.peek()?.at).toBe(now + 9_000);
  });
});
