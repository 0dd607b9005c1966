import { IllegalStateError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_WINDOW_MS } from './decide/idempotency.ts';
import { evolve } from './evolve/evolve.ts';
import { countWorkUnits } from './queries/spec-queries.ts';
import { restoreNamespace, snapshotNamespace } from './snapshot.ts';
import { createNamespaceState } from './state.ts';
import { blob, Namespace } from './test-support/specification.ts';

function withSpec() {
  const ns = new Namespace();
  ns.run({ type: 'SetWorkSpec', name: 'sa', data: blob('sa') });
  return ns;
}
const add = (key: string, units = [{ key: 'u1', data: blob('d') }]) =>
  ({ type: 'AddWorkUnits', spec: 'sa', units, idempotencyKey: key }) as const;

describe('idempotent unit adds', () => {
  it('a repeat of the same add under its key does nothing; the work is not done twice', () => {
    const ns = withSpec();
    expect(ns.run(add('k1'))).toHaveLength(1);
    ns.run({ type: 'GetWork', workerId: 'w' });
    ns.ctx.advance(60_000);
    expect(ns.run(add('k1'))).toEqual([]);
    // Without a key the same add overwrites the unit, as Coordinate's does.
    expect(countWorkUnits(ns.state, 'sa')).toEqual({ 3: 1 });
  });

  it('other content under a used key is refused, naming the first add', () => {
    const ns = withSpec();
    ns.run(add('k1'));
    const other = () => ns.run(add('k1', [{ key: 'u1', data: blob('other') }]));
    expect(other).toThrow(IllegalStateError);
    expect(other).toThrow(
      "idempotency key 'k1' was first used at 1970-01-01T00:16:40.000Z for an add of 1 unit(s) to 'sa' with other content; refused",
    );
    expect(() => ns.run(add('bad key'))).toThrow(ValidationError);
  });

  it('a key is forgotten after its window; replay and snapshots remember what the live state does', () => {
    const ns = withSpec();
    ns.run(add('k1'));
    const restored = restoreNamespace(snapshotNamespace(ns.state));
    expect([...restored.idempotency.keys()]).toEqual(['k1']);
    const replayed = ns.log.reduce(evolve, createNamespaceState());
    expect(replayed.idempotency).toEqual(ns.state.idempotency);
    ns.ctx.advance(IDEMPOTENCY_WINDOW_MS + 1);
    expect(ns.run(add('k1', [{ key: 'u2', data: blob('later') }]))).toHaveLength(1);
  });
});
