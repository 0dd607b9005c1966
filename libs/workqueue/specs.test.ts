import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { defaultWorkSpecMeta } from './spec-meta.ts';
import { countWorkUnits, getWorkSpec, getWorkSpecMeta, listWorkSpecs } from './queries/spec-queries.ts';
import { blob, given, Namespace, testContext } from './test-support/specification.ts';

const specSet = (name: string, meta = {}) => ({
  type: 'WorkSpecSet',
  data: { name, data: blob(name), meta: { ...defaultWorkSpecMeta, ...meta } },
});

describe('work specs', () => {
  it('SetWorkSpec fills Coordinate defaults and keeps the spec bytes', () => {
    const chained = { weight: 5, ['then' as string]: 'sb' };
    given()
      .when({ type: 'SetWorkSpec', name: 'sa', data: blob('sa'), meta: chained })
      .then([
        {
          type: 'WorkSpecSet',
          data: { name: 'sa', data: blob('sa'), meta: { ...defaultWorkSpecMeta, ...chained } },
        },
      ]);
  });

  it('rejects a missing name and bad meta, naming the field', () => {
    given()
      .when({ type: 'SetWorkSpec', name: '', data: blob('x') })
      .thenThrows(ValidationError, /name/);
    given()
      .when({ type: 'SetWorkSpec', name: 'x', data: blob('x'), meta: { max_running: -1 } })
      .thenThrows(ValidationError, /max_running/);
    given()
      .when({ type: 'SetWorkSpec', name: 'x', data: 'nope' as unknown as Uint8Array })
      .thenThrows(ValidationError, /data/);
  });

  it('DeleteWorkSpec of an unknown spec says so the Coordinate way', () => {
    given().when({ type: 'DeleteWorkSpec', name: 'x' }).thenThrows(NotFoundError, "no such work_spec 'x'");
    given(specSet('x'))
      .when({ type: 'DeleteWorkSpec', name: 'x' }, testContext(5))
      .then([{ type: 'WorkSpecDeleted', v: 2, data: { spec: 'x', at: 5 } }]);
  });

  it('ControlWorkSpec changes only what is given and checks it', () => {
    const ns = new Namespace();
    ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa') });
    ns.run({ type: 'ControlWorkSpec', name: 'sa', changes: { status: 2, max_running: 3 } });
    expect(getWorkSpecMeta(ns.state, 'sa')).toEqual({
      status: 2,
      continuous: false,
      interval: null, // the original's None: the spec sets none
      max_running: 3,
      weight: 20,
    });
    expect(() => ns.run({ type: 'ControlWorkSpec', name: 'sa', changes: { status: 7 as 1 } })).toThrow(
      ValidationError,
    );
    expect(() => getWorkSpecMeta(ns.state, 'zz')).toThrow("no such work_spec 'zz'");
  });

  it('get_work_spec, list_work_specs paging with inclusive start, clear', () => {
    const ns = new Namespace();
    for (const name of ['sc', 'sa', 'sb']) ns.run({ type: 'SetWorkSpec', name, data: blob(name) });
    expect(getWorkSpec(ns.state, 'sa')).toEqual({ name: 'sa', data: blob('sa') });
    expect(getWorkSpec(ns.state, 'missing')).toBeNull();
    const [first, next] = listWorkSpecs(ns.state, { limit: 1 });
    expect(first.map((s) => s.name)).toEqual(['sa']);
    expect(next).toBe('sb');
    const [rest, end] = listWorkSpecs(ns.state, { start: next, limit: 5 });
    expect(rest.map((s) => s.name)).toEqual(['sb', 'sc']);
    expect(end).toBeNull();
    const [cleared] = ns.run({ type: 'ClearNamespace' } as never);
    expect(cleared.data).toEqual({ at: ns.ctx.now, specCount: 3 });
    expect(listWorkSpecs(ns.state)).toEqual([[], null]);
  });

  it("b'a' and u'a' name one spec, which keeps the name it was first set with and the newest dict", () => {
    const ns = new Namespace();
    ns.run({ type: 'SetWorkSpec', name: 'a', data: blob('text') });
    ns.run({ type: 'SetWorkSpec', name: new Uint8Array([0x61]), data: blob('bytes') });
    ns.run({ type: 'SetWorkSpec', name: '\u00e9', data: blob('e-text') });
    ns.run({ type: 'SetWorkSpec', name: new Uint8Array([0xc3, 0xa9]), data: blob('e-bytes') });
    expect(getWorkSpec(ns.state, 'a')?.data).toEqual(blob('bytes'));
    expect(getWorkSpec(ns.state, new Uint8Array([0x61]))?.name).toBe('a');
    expect(getWorkSpec(ns.state, '\u00e9')?.data).toEqual(blob('e-text'));
    expect(listWorkSpecs(ns.state)[0].map((s) => s.name)).toEqual([
      'a',
      new Uint8Array([0xc3, 0xa9]),
      '\u00e9',
    ]);
  });

  it('count_work_units needs the spec', () => {
    expect(() => countWorkUnits(new Namespace().state, 'x')).toThrow(NotFoundError);
    expect(IllegalStateError).toBeDefined();
  });
});
