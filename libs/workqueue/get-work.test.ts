import { ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { startedWork } from './queries/attempt-queries.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import type { WorkSpecMeta } from './spec-meta.ts';
import { blob, Namespace, testContext } from './test-support/specification.ts';

function namespace(specs: Record<string, Partial<WorkSpecMeta>>, unitsPerSpec = 3, ctx = testContext()) {
  const ns = new Namespace(ctx);
  for (const [name, meta] of Object.entries(specs)) {
    ns.run({ type: 'SetWorkSpec', name, data: blob(name), meta });
    const units = Array.from({ length: unitsPerSpec }, (_, i) => ({
      key: `u${i}`,
      data: blob(`${name}${i}`),
    }));
    if (units.length > 0) ns.run({ type: 'AddWorkUnits', spec: name, units });
  }
  return ns;
}

const specsOf = (ns: Namespace, workerId = 'w', options = {}) =>
  startedWork(ns.state, ns.run({ type: 'GetWork', workerId, ...options })).map((s) => s.work_spec_name);

describe('get_work scheduling', () => {
  it('hands out the best unit with its data, attempt id and lease; nothing left gives no events', () => {
    const ns = namespace({ sa: {} }, 1);
    const [got] = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', leaseSeconds: 60 }));
    expect(got).toEqual({
      work_spec_name: 'sa',
      work_unit_key: 'u0',
      work_unit_data: blob('sa0'),
      attempt_id: 'a1',
      expires: ns.ctx.now + 60_000,
    });
    expect(ns.run({ type: 'GetWork', workerId: 'w' })).toEqual([]);
  });

  it('takes up to max_jobs from one spec, bounded by max_getwork and max_running', () => {
    expect(specsOf(namespace({ sa: {} }, 5), 'w', { maxJobs: 4 })).toEqual(['sa', 'sa', 'sa', 'sa']);
    expect(specsOf(namespace({ sa: { max_getwork: 2 } }, 5), 'w', { maxJobs: 4 })).toHaveLength(2);
    const ns = namespace({ sa: { max_running: 3 } }, 5);
    expect(specsOf(ns, 'w', { maxJobs: 2 })).toHaveLength(2);
    expect(specsOf(ns, 'w', { maxJobs: 2 })).toHaveLength(1);
    expect(specsOf(ns, 'w', { maxJobs: 2 })).toEqual([]);
  });

  it('only the highest spec priority gets work; paused and weight ≤ 0 get none', () => {
    expect(specsOf(namespace({ lo: {}, hi: { priority: 2 } }), 'w', { maxJobs: 3 })).toEqual([
      'hi',
      'hi',
      'hi',
    ]);
    expect(specsOf(namespace({ p: { status: 2 } }))).toEqual([]);
    expect(specsOf(namespace({ z: { weight: 0 } }))).toEqual([]);
  });

  it('a unit prioritised in one spec is the next any worker gets, as in the original', () => {
    const ns = namespace({ a: {}, b: {}, c: {} });
    ns.run({ type: 'PrioritizeWorkUnits', spec: 'b', keys: ['u2'], priority: 1 });
    const [got] = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w' }));
    expect([got.work_spec_name, got.work_unit_key]).toEqual(['b', 'u2']);
  });

  it('along a then chain the spec furthest down with work goes first, unless then_preempts is off', () => {
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    const chain = { s1: { then: 's2' }, s2: { then: 's3' }, s3: {} };
    for (let seed = 1; seed <= 10; seed++) {
      expect(specsOf(namespace(chain, 1, testContext(1_000_000, seed)))).toEqual(['s3']);
    }
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    const free = { s1: { then: 's2', then_preempts: false }, s2: {} };
    const both = namespace(free, 10);
    const seen = new Set(Array.from({ length: 10 }, () => specsOf(both)[0]));
    expect(seen).toEqual(new Set(['s1', 's2']));
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    const loop = { l1: { then: 'l2' }, l2: { then: 'l1' } };
    expect(specsOf(namespace(loop, 1), 'w', { maxJobs: 1 })).toHaveLength(1);
  });

  it('gives a spec that names a runner only to a caller that names the spec', () => {
    const ns = namespace({ pumped: { runner: true, priority: 9 }, pulled: {} });
    expect(specsOf(ns, 'w', { maxJobs: 5 })).toEqual(['pulled', 'pulled', 'pulled']);
    expect(specsOf(ns, 'w', { maxJobs: 5 })).toEqual([]);
    expect(specsOf(ns, 'pump', { maxJobs: 5, workSpecNames: ['pumped'] })).toEqual([
      'pumped',
      'pumped',
      'pumped',
    ]);
  });

  it('honours work_spec_names and available_gb against min_gb', () => {
    const ns = namespace({ sa: {}, big: { priority: 5, min_gb: 16 } });
    expect(specsOf(ns, 'w', { workSpecNames: ['sa'] })).toEqual(['sa']);
    expect(specsOf(ns, 'w', { availableGb: 8 })).toEqual(['sa']);
    expect(specsOf(ns, 'w', { availableGb: 32 })).toEqual(['big']);
    expect(() => ns.run({ type: 'GetWork', workerId: 'w', availableGb: -1 })).toThrow(/available_gb/);
  });

  it('pending counts roughly track the weights over many calls', () => {
    const ns = namespace({ heavy: { weight: 30 }, light: { weight: 10 } }, 2000);
    const got = Array.from({ length: 1000 }, () => specsOf(ns)[0]);
    const heavy = got.filter((s) => s === 'heavy').length;
    expect(heavy).toBeGreaterThan(700);
    expect(heavy).toBeLessThan(800);
    const pending = countWorkUnits(ns.state, 'heavy')[3] / countWorkUnits(ns.state, 'light')[3];
    expect(pending).toBeCloseTo(3, 0);
  });

  it('weights are tracked even when every unit is finished at once', () => {
    const ns = namespace({ heavy: { weight: 30 }, light: { weight: 10 } }, 2000);
    let heavy = 0;
    for (let i = 0; i < 1000; i++) {
      const [got] = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w' }));
      if (got.work_spec_name === 'heavy') heavy++;
      ns.run({ type: 'FinishAttempt', attemptId: got.attempt_id });
    }
    expect(heavy).toBeGreaterThan(680);
    expect(heavy).toBeLessThan(820);
  });

  it('clamps leases to [1 s, 86400 s], defaults to 300 s, rejects non-numbers', () => {
    const ns = namespace({ sa: {} }, 4);
    const expiry = (leaseSeconds?: number) =>
      startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', leaseSeconds }))[0].expires - ns.ctx.now;
    // Out of [1 s, 1 day], the default, as the original's get_work takes it.
    expect(expiry()).toBe(300_000);
    expect(expiry(-5)).toBe(300_000);
    expect(expiry(1e9)).toBe(300_000);
    expect(expiry(86_400)).toBe(86_400_000);
    expect(() => ns.run({ type: 'GetWork', workerId: 'w', leaseSeconds: 'x' as never })).toThrow(
      ValidationError,
    );
    expect(() => ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 0 })).toThrow(/max_jobs/);
    expect(() => ns.run({ type: 'GetWork', workerId: '' })).toThrow(/worker_id/);
  });

  it('a continuous spec generates units when a get_work finds it idle and due by its interval', () => {
    const ns = namespace({ c: { continuous: true, interval: 60 } }, 0);
    const [first] = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w' }));
    expect(first.work_spec_name).toBe('c');
    // As the original writes str(time.time()): a byte string.
    expect(first.work_unit_key).toEqual(new Uint8Array(Buffer.from('1000.0')));
    ns.run({ type: 'FinishAttempt', attemptId: first.attempt_id });
    ns.ctx.advance(30_000);
    expect(ns.run({ type: 'GetWork', workerId: 'w' })).toEqual([]);
    ns.ctx.advance(30_000);
    const [generated] = ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 2 });
    expect(generated).toMatchObject({
      type: 'WorkUnitsAdded',
      data: { continuous: true, units: [{ priority: -1 }, { priority: -1 }] },
    });
    // That get_work paced the spec again: nothing until its interval has passed.
    expect(specsOf(ns)).toEqual([]);
  });

  it('a paced continuous spec gives nothing until its interval has passed, queued units included', () => {
    const ns = namespace({ c: { continuous: true, interval: 60 } }, 2);
    expect(startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w' }))).toHaveLength(1);
    expect(ns.run({ type: 'GetWork', workerId: 'w' })).toEqual([]);
    ns.ctx.advance(60_000);
    expect(startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w' }))).toHaveLength(1);
  });
});
