import { IllegalStateError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { attemptHistory, startedWork } from './queries/attempt-queries.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkUnitStatus, getWorkUnits } from './queries/unit-queries.ts';
import { blob, Namespace } from './test-support/specification.ts';

/** Unit 'k' of spec 'a' (then 'b') taken by w1 on a 1 s lease that has run out. */
function lapsed() {
  const ns = new Namespace();
  // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
  ns.run({ type: 'SetWorkSpec', name: 'a', data: blob('a'), meta: { then: 'b' } });
  ns.run({ type: 'SetWorkSpec', name: 'b', data: blob('b') });
  ns.run({ type: 'AddWorkUnits', spec: 'a', units: [{ key: 'k', data: blob('in') }] });
  const first = take(ns, 'w1', 1);
  ns.ctx.advance(1_500);
  ns.run({ type: 'ExpireLeases' });
  expect(countWorkUnits(ns.state, 'a')).toEqual({ 1: 1 });
  return { ns, first };
}

const take = (ns: Namespace, workerId: string, leaseSeconds = 60) =>
  startedWork(ns.state, ns.run({ type: 'GetWork', workerId, leaseSeconds, workSpecNames: ['a'] }))[0];

const lateEnd = (ns: Namespace, status: 4 | 5, data: Uint8Array | null = blob('late')) =>
  ns.run({
    type: 'UpdateWorkUnit',
    spec: 'a',
    key: 'k',
    status,
    data,
    fromWorkerId: 'w1',
    outputs: [{ key: 'child', data: blob('c') }],
  });

describe('fencing a lost lease', () => {
  it('refuses the late finish or failure of a worker whose unit was leased again, naming the current attempt', () => {
    const { ns, first } = lapsed();
    const second = take(ns, 'w2');
    for (const status of [4, 5] as const) {
      expect(() => lateEnd(ns, status)).toThrow(IllegalStateError);
      expect(() => lateEnd(ns, status)).toThrow(
        `attempt '${first.attempt_id}' of worker 'w1' lost its lease on work unit 'k': the unit was leased again as attempt '${second.attempt_id}' of worker 'w2' (pending)`,
      );
    }
    expect(getWorkUnitStatus(ns.state, 'a', ['k'])[0]).toMatchObject({ status: 3, worker_id: 'w2' });
    ns.run({ type: 'FinishAttempt', attemptId: second.attempt_id, data: blob('by w2') });
    // After the current attempt finished, the lost one still cannot write over its end.
    expect(() => lateEnd(ns, 4)).toThrow(`attempt '${second.attempt_id}' of worker 'w2' (finished)`);
    expect(getWorkUnits(ns.state, 'a')).toEqual([['k', blob('by w2')]]);
    expect(countWorkUnits(ns.state, 'b')).toEqual({});
    expect(attemptHistory(ns.state, 'a', 'k').map((a) => a.status)).toEqual(['finished', 'expired']);
  });

  it('names the current attempt when a lost attempt is finished by its id and unit', () => {
    const { ns, first } = lapsed();
    const second = take(ns, 'w1');
    const late = () => ns.run({ type: 'FinishAttempt', attemptId: first.attempt_id, spec: 'a', key: 'k' });
    expect(late).toThrow(IllegalStateError);
    expect(late).toThrow(`the unit was leased again as attempt '${second.attempt_id}' of worker 'w1'`);
    // The same worker holding the unit again under a new attempt answers for that attempt.
    lateEnd(ns, 4, blob('second attempt'));
    expect(getWorkUnits(ns.state, 'a')).toEqual([['k', blob('second attempt')]]);
  });

  it('lets a late finish stand when nobody took the unit after the lease ran out (finish wins)', () => {
    const { ns } = lapsed();
    lateEnd(ns, 4);
    expect(getWorkUnits(ns.state, 'a')).toEqual([['k', blob('late')]]);
    expect(countWorkUnits(ns.state, 'b')).toEqual({ 1: 1 });
    // A second finish, as the original worker sends, changes nothing.
    expect(lateEnd(ns, 4, null)).toEqual([]);
  });

  it('does not fence a worker that never held the unit, nor an update naming nobody', () => {
    const { ns } = lapsed();
    take(ns, 'w2');
    ns.run({ type: 'UpdateWorkUnit', spec: 'a', key: 'k', status: 4, fromWorkerId: 'operator' });
    expect(countWorkUnits(ns.state, 'a')).toEqual({ 4: 1 });
    const again = lapsed().ns;
    take(again, 'w2');
    again.run({ type: 'UpdateWorkUnit', spec: 'a', key: 'k', status: 5 });
    expect(countWorkUnits(again.state, 'a')).toEqual({ 5: 1 });
  });

  it('fences a renewal (worker_id given) of a lost lease the same way', () => {
    const { ns, first } = lapsed();
    take(ns, 'w2');
    const renew = () =>
      ns.run({ type: 'UpdateWorkUnit', spec: 'a', key: 'k', leaseSeconds: 30, workerId: 'w1' });
    expect(renew).toThrow(`attempt '${first.attempt_id}' of worker 'w1' lost its lease`);
  });
});
