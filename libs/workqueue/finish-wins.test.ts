import { describe, expect, it } from 'vitest';
import { startedWork } from './queries/attempt-queries.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkUnitStatus, getWorkUnits } from './queries/unit-queries.ts';
import { blob, Namespace } from './test-support/specification.ts';

/** A chain a → b with one unit 'k' in a, taken by worker w. */
function chain() {
  const ns = new Namespace();
  // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
  ns.run({ type: 'SetWorkSpec', name: 'a', data: blob('a'), meta: { then: 'b' } });
  ns.run({ type: 'SetWorkSpec', name: 'b', data: blob('b') });
  ns.run({ type: 'AddWorkUnits', spec: 'a', units: [{ key: 'k', data: blob('in'), priority: 4 }] });
  const taken = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', workSpecNames: ['a'] }))[0];
  return { ns, taken };
}

const outputs = [{ key: 'child', data: blob('c') }];
const update = (ns: Namespace, status: number, extra: object = {}) =>
  ns.run({ type: 'UpdateWorkUnit', spec: 'a', key: 'k', status, ...extra });

describe('finish wins', () => {
  it('failing a finished unit leaves it finished; only the data it brings is kept', () => {
    const { ns } = chain();
    update(ns, 4);
    expect(update(ns, 5, { traceback: 'late' })).toEqual([]);
    expect(getWorkUnitStatus(ns.state, 'a', ['k'])[0]).toMatchObject({ status: 4 });
    const withData = update(ns, 5, { data: blob('tb') });
    expect(withData).toMatchObject([{ type: 'WorkUnitStatusSet', data: { status: 4 } }]);
    expect(getWorkUnits(ns.state, 'a')).toEqual([['k', blob('tb')]]);
    expect(countWorkUnits(ns.state, 'a')).toEqual({ 4: 1 });
  });

  it('finishing a failed unit finishes it and chains its output', () => {
    const { ns } = chain();
    update(ns, 5);
    expect(countWorkUnits(ns.state, 'a')).toEqual({ 5: 1 });
    update(ns, 4, { outputs });
    expect(countWorkUnits(ns.state, 'a')).toEqual({ 4: 1 });
    expect(countWorkUnits(ns.state, 'b')).toEqual({ 1: 1 });
  });

  it('a second finish chains nothing and leaves a chained unit that ran as it is', () => {
    const { ns } = chain();
    update(ns, 4, { outputs });
    const child = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', workSpecNames: ['b'] }))[0];
    ns.run({ type: 'FinishAttempt', attemptId: child.attempt_id });
    expect(update(ns, 4, { outputs })).toEqual([]);
    expect(countWorkUnits(ns.state, 'b')).toEqual({ 4: 1 });
  });

  it('chained units get the finished unit’s priority unless they name their own', () => {
    const { ns, taken } = chain();
    ns.run({
      type: 'FinishAttempt',
      attemptId: taken.attempt_id,
      outputs: [...outputs, { key: 'own', data: blob('o'), priority: 9 }],
    });
    const order = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 2 }));
    expect(order.map((w) => w.work_unit_key)).toEqual(['own', 'child']);
    expect(ns.log.at(-2)).toMatchObject({
      type: 'WorkUnitsAdded',
      data: {
        units: [
          { key: 'child', priority: 4 },
          { key: 'own', priority: 9 },
        ],
      },
    });
  });
});
