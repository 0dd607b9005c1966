import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { evolve, UnknownEventError } from './evolve/evolve.ts';
import { attemptHistory, startedWork } from './queries/attempt-queries.ts';
import { nextDeadline } from './queries/deadline.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkUnitStatus, getWorkUnits } from './queries/unit-queries.ts';
import type { WorkSpecMeta } from './spec-meta.ts';
import { blob, Namespace } from './test-support/specification.ts';

function oneUnit(meta: Partial<WorkSpecMeta> = {}) {
  const ns = new Namespace();
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa'), meta });
  ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'k', data: blob('in') }] });
  return ns;
}

const take = (ns: Namespace, leaseSeconds = 10) =>
  startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', leaseSeconds }))[0];

describe('attempts', () => {
  it('renew, finish, fail, retry by attempt id; an ended attempt is no longer pending', () => {
    const ns = oneUnit();
    const a = take(ns);
    ns.run({ type: 'RenewAttempt', attemptId: a.attempt_id, leaseSeconds: 20 });
    expect(nextDeadline(ns.state)).toBe(ns.ctx.now + 20_000);
    ns.run({ type: 'FinishAttempt', attemptId: a.attempt_id, data: blob('out') });
    expect(getWorkUnits(ns.state, 'sa')).toEqual([['k', blob('out')]]);
    expect(() => ns.run({ type: 'FinishAttempt', attemptId: a.attempt_id })).toThrow(NotFoundError);
    const late = () => ns.run({ type: 'FinishAttempt', attemptId: a.attempt_id, spec: 'sa', key: 'k' });
    expect(late).toThrow(IllegalStateError);
    expect(late).toThrow('is finished, not pending');
    expect(attemptHistory(ns.state, 'sa', 'k')).toMatchObject([{ status: 'finished', data: blob('out') }]);
  });

  it('a failed attempt fails its unit with the traceback', () => {
    const ns = oneUnit();
    ns.run({ type: 'FailAttempt', attemptId: take(ns).attempt_id, traceback: 'Traceback: boom' });
    expect(getWorkUnitStatus(ns.state, 'sa', ['k'])[0]).toMatchObject({
      status: 5,
      traceback: 'Traceback: boom',
    });
  });

  it('a retry with a delay keeps the unit away until the timer releases it', () => {
    const ns = oneUnit();
    ns.run({ type: 'RetryAttempt', attemptId: take(ns).attempt_id, delaySeconds: 30 });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    expect(ns.run({ type: 'GetWork', workerId: 'w' })).toEqual([]);
    expect(nextDeadline(ns.state)).toBe(ns.ctx.now + 30_000);
    expect(ns.run({ type: 'ReleaseDelayedUnits' })).toEqual([]);
    ns.ctx.advance(30_000);
    expect(ns.run({ type: 'ReleaseDelayedUnits' })).toHaveLength(1);
    expect(take(ns).work_unit_key).toBe('k');
    expect(() => ns.run({ type: 'RetryAttempt', attemptId: 'a2', delaySeconds: -1 })).toThrow(
      ValidationError,
    );
  });

  it('ExpireLeases with a moved clock returns the unit to AVAILABLE and expires the attempt', () => {
    const ns = oneUnit();
    const a = take(ns, 10);
    expect(ns.run({ type: 'ExpireLeases' })).toEqual([]);
    ns.ctx.advance(10_000);
    expect(ns.run({ type: 'ExpireLeases' })).toEqual([
      {
        type: 'AttemptsExpired',
        data: { at: ns.ctx.now, reason: 'lease', attempts: [{ id: a.attempt_id, spec: 'sa', key: 'k' }] },
      },
    ]);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    expect(nextDeadline(ns.state)).toBeNull();
    expect(attemptHistory(ns.state, 'sa', 'k')[0].status).toBe('expired');
  });

  it('a unit tried more than max_retries times fails with a traceback saying so', () => {
    const ns = oneUnit({ max_retries: 1 });
    take(ns, 1);
    ns.ctx.advance(1000);
    ns.run({ type: 'ExpireLeases' });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    take(ns, 1);
    ns.ctx.advance(1000);
    ns.run({ type: 'ExpireLeases' });
    expect(getWorkUnitStatus(ns.state, 'sa', ['k'])[0]).toMatchObject({
      status: 5,
      traceback: "work unit 'k' was tried 2 times, more than max_retries=1",
    });
  });

  it('finishing with outputs adds units to the `then` spec; a missing `then` spec drops them', () => {
    const ns = oneUnit({ ['then' as string]: 'sb' } as Partial<WorkSpecMeta>);
    const outputs = [
      { key: 'o1', data: blob('from k') },
      { key: 'o2', data: blob('x'), priority: 3 },
    ];
    const dropped = ns.run({ type: 'FinishAttempt', attemptId: take(ns).attempt_id, outputs });
    expect(dropped.map((e) => e.type)).toEqual(['AttemptFinished']);
    ns.run({ type: 'SetWorkSpec', name: 'sb', data: blob('sb'), meta: { priority: 2 } });
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k', status: 1 });
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k', status: 4, outputs });
    expect(getWorkUnits(ns.state, 'sb')).toEqual([
      ['o1', blob('from k')],
      ['o2', blob('x')],
    ]);
    expect(take(ns).work_unit_key).toBe('o2');
  });

  it('evolve is tolerant of stale events and strict about unknown types', () => {
    const ns = oneUnit();
    const a = take(ns, 1);
    const late = {
      type: 'AttemptFinished',
      data: { id: a.attempt_id, spec: 'sa', key: 'k', at: ns.ctx.now },
    };
    ns.ctx.advance(1000);
    ns.run({ type: 'ExpireLeases' });
    ns.state = evolve(ns.state, late);
    expect(ns.state.ignoredEvents).toBe(1);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    expect(() => evolve(ns.state, { type: 'Bogus', data: {} })).toThrow(UnknownEventError);
    expect(() => evolve(ns.state, { type: 'toString', data: {} })).toThrow(UnknownEventError);
  });

  it('deleting a spec ends its pending attempts', () => {
    const ns = oneUnit();
    take(ns);
    ns.run({ type: 'DeleteWorkSpec', name: 'sa' });
    expect(ns.state.pending.size).toBe(0);
    expect(ns.state.leases.size).toBe(0);
    expect(nextDeadline(ns.state)).toBeNull();
  });
});
