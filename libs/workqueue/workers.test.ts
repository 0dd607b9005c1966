import { describe, expect, it } from 'vitest';
import { getChildWorkUnits, startedWork, workerAttempts } from './queries/attempt-queries.ts';
import { nextDeadline } from './queries/deadline.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkerInfo, listWorkerModes, modeCounts, workerStats } from './queries/worker-queries.ts';
import { blob, Namespace } from './test-support/specification.ts';

function withWorkers() {
  const ns = new Namespace();
  ns.run({
    type: 'RecordWorkerHeartbeat',
    workerId: 'w1',
    mode: 'RUN',
    expireSeconds: 600,
    data: blob('host h'),
  });
  ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'w1c', mode: 'RUN', expireSeconds: 60, parent: 'w1' });
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa') });
  ns.run({
    type: 'AddWorkUnits',
    spec: 'sa',
    units: [
      { key: 'k1', data: blob('d1') },
      { key: 'k2', data: blob('d2') },
    ],
  });
  return ns;
}

describe('workers', () => {
  it('heartbeats register workers with mode, data and parent', () => {
    const ns = withWorkers();
    expect(getWorkerInfo(ns.state, 'w1')).toEqual(blob('host h'));
    expect(getWorkerInfo(ns.state, 'nobody')).toBeNull();
    expect(listWorkerModes(ns.state)).toEqual({ w1: 'RUN', w1c: 'RUN' });
    ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'w2', mode: 'IDLE' });
    expect(modeCounts(ns.state)).toEqual({ RUN: 2, IDLE: 1 });
    expect(workerStats(ns.state)).toEqual({ num_workers: 3, num_children: 1, num_expirable: 2 });
    expect(() =>
      ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'w3', mode: 'RUN', parent: 'w3' }),
    ).toThrow(/parent/);
    expect(() => ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'w3', mode: 5 as never })).toThrow(/mode/);
  });

  it("keeps ids and modes as given (None too); b'RUN' and u'RUN' count as one mode", () => {
    const ns = new Namespace();
    ns.run({
      type: 'RecordWorkerHeartbeat',
      workerId: 'p',
      wireId: blob('p'),
      mode: null,
      expireSeconds: 10,
    });
    ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'a', mode: blob('RUN'), expireSeconds: 10 });
    ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'b', mode: 'RUN', expireSeconds: 10 });
    expect(listWorkerModes(ns.state, true)).toEqual([
      [blob('p'), null],
      ['a', blob('RUN')],
      ['b', 'RUN'],
    ]);
    expect(modeCounts(ns.state, true)).toEqual([
      [null, 1],
      [blob('RUN'), 2],
    ]);
  });

  it("Passerine's own workers expire as any, and are not listed, counted or in the stats", () => {
    const ns = withWorkers();
    ns.run({
      type: 'RecordWorkerHeartbeat',
      workerId: 'pump',
      mode: 'RUN',
      expireSeconds: 5,
      internal: true,
    });
    expect(getWorkerInfo(ns.state, 'pump')).not.toBeNull();
    expect(Object.keys(listWorkerModes(ns.state))).toEqual(['w1', 'w1c']);
    expect(modeCounts(ns.state)).toEqual({ RUN: 2 });
    expect(workerStats(ns.state)).toEqual({ num_workers: 2, num_children: 1, num_expirable: 2 });
    ns.ctx.advance(5_000);
    expect(ns.run({ type: 'ExpireWorkers' } as never)[0]).toMatchObject({ data: { workerIds: ['pump'] } });
  });

  it('a lifetime of 0 ends at once; none given, the worker stays', () => {
    const ns = new Namespace();
    ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'brief', mode: 'RUN', expireSeconds: 0 });
    ns.run({ type: 'RecordWorkerHeartbeat', workerId: 'stays', mode: 'RUN' });
    ns.ctx.advance(1);
    ns.run({ type: 'ExpireWorkers' } as never);
    expect(Object.keys(listWorkerModes(ns.state))).toEqual(['stays']);
  });

  it('a parent sees the work of its children', () => {
    const ns = withWorkers();
    const [got] = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w1c', leaseSeconds: 60 }));
    expect(getChildWorkUnits(ns.state, 'w1')).toEqual({
      w1c: [
        {
          work_spec_name: 'sa',
          work_unit_key: 'k1',
          work_unit_data: blob('d1'),
          worker_id: 'w1c',
          expires: got.expires,
        },
      ],
    });
    expect(workerAttempts(ns.state, 'w1c').map((a) => a.work_unit_key)).toEqual(['k1']);
  });

  it('unregistering a worker gives its units back', () => {
    const ns = withWorkers();
    ns.run({ type: 'GetWork', workerId: 'w1c' });
    const events = ns.run({ type: 'UnregisterWorker', workerId: 'w1c' });
    expect(events.map((e) => e.type)).toEqual(['WorkerUnregistered', 'AttemptsExpired']);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 2 });
    expect(getChildWorkUnits(ns.state, 'w1')).toEqual({});
    // Again: the original answers (False, "no worker 'w1c'").
    expect(() => ns.run({ type: 'UnregisterWorker', workerId: 'w1c' })).toThrow("no worker 'w1c'");
  });

  it('expired workers go, and their attempts expire with them, driven by the clock', () => {
    const ns = withWorkers();
    ns.run({ type: 'GetWork', workerId: 'w1c', leaseSeconds: 3600 });
    expect(nextDeadline(ns.state)).toBe(ns.ctx.now + 60_000);
    ns.ctx.advance(60_000);
    const events = ns.run({ type: 'ExpireWorkers' } as never);
    expect(events.map((e) => e.type)).toEqual(['WorkersExpired', 'AttemptsExpired']);
    expect(listWorkerModes(ns.state)).toEqual({ w1: 'RUN' });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 2 });
  });
});
