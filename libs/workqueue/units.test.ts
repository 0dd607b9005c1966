import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { startedWork } from './queries/attempt-queries.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { getWorkUnitStatus, getWorkUnits } from './queries/unit-queries.ts';
import { blob, bytes, given, Namespace } from './test-support/specification.ts';

function withUnits(keys: Array<string | Uint8Array> = ['k1', 'k2', bytes(0xff, 0x00), 'f\u00fc']) {
  const ns = new Namespace();
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa') });
  ns.run({
    type: 'AddWorkUnits',
    spec: 'sa',
    units: keys.map((key) => ({ key, data: blob(`d-${String(key)}`) })),
  });
  return ns;
}

describe('adding and reading work units', () => {
  it('AddWorkUnits records every unit with its priority; unknown spec is NotFound', () => {
    given()
      .when({ type: 'AddWorkUnits', spec: 'missing', units: [{ key: 'k', data: blob('') }] })
      .thenThrows(NotFoundError, "no such work_spec 'missing'");
    const ns = withUnits();
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 4 });
    expect(ns.log[1]).toMatchObject({
      type: 'WorkUnitsAdded',
      data: { units: [{ key: 'k1', priority: 0 }, {}, {}, {}] },
    });
  });

  it('rejects keys and data of the wrong type, naming the field', () => {
    const ns = withUnits();
    expect(() =>
      ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 5 as never, data: blob('') }] }),
    ).toThrow(/work_units\[0\]\.key/);
    expect(() =>
      ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'k', data: {} as never }] }),
    ).toThrow(ValidationError);
  });

  it('an existing key is overwritten, keeping its priority; a key named twice in one add counts as the last', () => {
    const ns = withUnits();
    ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: 'k1', data: blob('new'), priority: 9 }] });
    expect(getWorkUnits(ns.state, 'sa', { work_unit_keys: ['k1'] })).toEqual([['k1', blob('new')]]);
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 4 });
    ns.run({
      type: 'AddWorkUnits',
      spec: 'sa',
      units: [
        { key: 'twice', data: blob('first'), priority: 1 },
        { key: 'twice', data: blob('last'), priority: 5 },
      ],
    });
    const order = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 2 }));
    expect(order.map((w) => [w.work_unit_key, w.work_unit_data])).toEqual([
      ['twice', blob('last')],
      ['f\u00fc', blob('d-f\u00fc')],
    ]);
  });

  it('get_work_units sorts by key bytes, start is inclusive, named keys come as asked, unknown ones null', () => {
    const ns = withUnits();
    const all = getWorkUnits(ns.state, 'sa');
    expect(all.map(([k]) => k)).toEqual(['f\u00fc', 'k1', 'k2', bytes(0xff, 0x00)]);
    expect(getWorkUnits(ns.state, 'sa', { start: 'k1', limit: 2 }).map(([k]) => k)).toEqual(['k1', 'k2']);
    // The original answers named keys in the order asked (its loop over them), not sorted.
    expect(getWorkUnits(ns.state, 'sa', { work_unit_keys: ['zz', 'k1'] })).toEqual([
      ['zz', null],
      ['k1', blob('d-k1')],
    ]);
    expect(getWorkUnits(ns.state, 'sa', { state: [4, 5] })).toEqual([]);
  });

  it("b'a' and u'a' are one key, kept as first added; u'é' and its UTF-8 bytes are two", () => {
    const ns = withUnits(['a', bytes(0xc3, 0xa9)]);
    ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: bytes(0x61), data: blob('again') }] });
    ns.run({ type: 'AddWorkUnits', spec: 'sa', units: [{ key: '\u00e9', data: blob('text') }] });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 3 });
    expect(getWorkUnits(ns.state, 'sa')).toEqual([
      ['a', blob('again')],
      [bytes(0xc3, 0xa9), blob('d-195,169')],
      ['\u00e9', blob('text')],
    ]);
    // Asked for by the other kind, it is found and answered in the kind asked, as the original does.
    expect(getWorkUnits(ns.state, 'sa', { work_unit_keys: [bytes(0x61)] })).toEqual([
      [bytes(0x61), blob('again')],
    ]);
    const got = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 1 }));
    expect(got.map((g) => g.work_unit_key)).toEqual(['a']);
  });
});

describe('prioritize, delete, status', () => {
  it('prioritize sets or adjusts, and get_work follows priority then key', () => {
    const ns = withUnits(['k1', 'k2', 'k3']);
    ns.run({ type: 'PrioritizeWorkUnits', spec: 'sa', keys: ['k2'], priority: 10 });
    ns.run({ type: 'PrioritizeWorkUnits', spec: 'sa', keys: ['k3'], adjustment: 5 });
    const got = startedWork(ns.state, ns.run({ type: 'GetWork', workerId: 'w', maxJobs: 3 }));
    expect(got.map((g) => g.work_unit_key)).toEqual(['k2', 'k3', 'k1']);
    // Neither priority nor adjustment changes nothing, as in the original.
    expect(ns.run({ type: 'PrioritizeWorkUnits', spec: 'sa', keys: ['k1'] })).toEqual([]);
  });

  it('del_work_units: empty options delete nothing; by keys, by state, all', () => {
    const ns = withUnits();
    expect(() => ns.run({ type: 'DeleteWorkUnits', spec: 'sa' })).toThrow(
      'no usable options to del_work_units',
    );
    const [byKey] = ns.run({ type: 'DeleteWorkUnits', spec: 'sa', keys: [bytes(0xff, 0x00), 'nope'] });
    expect(byKey.data).toMatchObject({ count: 1 });
    expect(ns.run({ type: 'DeleteWorkUnits', spec: 'sa', state: 5 })).toEqual([]);
    ns.run({ type: 'GetWork', workerId: 'w' });
    const [byState] = ns.run({ type: 'DeleteWorkUnits', spec: 'sa', state: [3] });
    expect(byState.data).toMatchObject({ count: 1, statuses: [3] });
    expect(ns.state.pending.size).toBe(0);
    const [all] = ns.run({ type: 'DeleteWorkUnits', spec: 'sa', all: true });
    expect(all.data).toMatchObject({ count: 2, all: true });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({});
  });

  it('get_work_unit_status reports lease, worker and end', () => {
    const ns = withUnits(['k1', 'k2']);
    ns.run({ type: 'GetWork', workerId: 'w1', leaseSeconds: 60 });
    const t0 = ns.ctx.now;
    expect(getWorkUnitStatus(ns.state, 'sa', ['k1', 'k2', 'nope'])).toEqual([
      { status: 3, expiration: t0 + 60_000, worker_id: 'w1' },
      { status: 1, expiration: null },
      null,
    ]);
    ns.ctx.advance(1000);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 4 });
    expect(getWorkUnitStatus(ns.state, 'sa', ['k1'])).toEqual([
      { status: 4, expiration: t0 + 1000, worker_id: 'w1' },
    ]);
  });
});

describe('update_work_unit', () => {
  it('neither lease nor status: nothing to do; unknown key: NotFound', () => {
    const ns = withUnits(['k1']);
    expect(() => ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1' })).toThrow('nothing to do');
    expect(() => ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'nope', status: 4 })).toThrow(
      "no such work unit key='nope'",
    );
  });

  it('renews the holder lease and replaces data; another worker may not touch it', () => {
    const ns = withUnits(['k1']);
    ns.run({ type: 'GetWork', workerId: 'w1', leaseSeconds: 60 });
    const [renewed] = ns.run({
      type: 'UpdateWorkUnit',
      spec: 'sa',
      key: 'k1',
      leaseSeconds: 120,
      data: blob('x'),
    });
    expect(renewed).toMatchObject({ type: 'AttemptRenewed', data: { expiresAt: ns.ctx.now + 120_000 } });
    expect(getWorkUnits(ns.state, 'sa')).toEqual([['k1', blob('x')]]);
    expect(() =>
      ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 4, workerId: 'w2' }),
    ).toThrow(IllegalStateError);
  });

  it('sets statuses directly on units nobody holds, as Coordinate allows', () => {
    const ns = withUnits(['k1']);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 5, traceback: 'boom' });
    expect(getWorkUnitStatus(ns.state, 'sa', ['k1'])[0]).toMatchObject({ status: 5, traceback: 'boom' });
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 1, leaseSeconds: 0 });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', leaseSeconds: 30, workerId: 'w9' });
    expect(getWorkUnitStatus(ns.state, 'sa', ['k1'])[0]).toMatchObject({ status: 3, worker_id: 'w9' });
    expect(() => ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 2 })).toThrow(/status/);
  });

  it('archive forgets ended units older than the bound', () => {
    const ns = withUnits(['k1', 'k2', 'k3']);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k1', status: 4 });
    ns.ctx.advance(10_000);
    ns.run({ type: 'UpdateWorkUnit', spec: 'sa', key: 'k2', status: 5 });
    const [archived] = ns.run({ type: 'ArchiveWorkUnits', maxAgeSeconds: 5 });
    expect(archived.data).toMatchObject({ count: 1 });
    expect(getWorkUnits(ns.state, 'sa').map(([k]) => k)).toEqual(['k2', 'k3']);
    expect(ns.run({ type: 'ArchiveWorkUnits', maxAgeSeconds: 5 })).toEqual([]);
    ns.run({ type: 'ArchiveWorkUnits', maxAgeSeconds: 0, spec: 'sa' });
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 1: 1 });
    expect(() => ns.run({ type: 'ArchiveWorkUnits', maxAgeSeconds: -1 })).toThrow(ValidationError);
  });
});
