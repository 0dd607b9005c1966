import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from './envelope.ts';
import { EventVersionError, ValidationError } from './errors.ts';
import { EventVersions } from './event-versions.ts';

// A made-up event in three versions: v2 renamed `n` to `count`, v3 added `unit`.
const schemas = {
  Counted: {
    current: 3,
    up: {
      1: (d: unknown) => ({ count: (d as { n: number }).n }),
      2: (d: unknown) => ({ ...(d as object), unit: 'items' }),
    },
    down: {
      2: (d: unknown) => {
        const { unit: _unit, ...rest } = d as { count: number; unit: string };
        return rest;
      },
    },
  },
};

const envelope = (v: number, data: unknown): EventEnvelope => ({
  type: 'Counted',
  v,
  time: 1,
  id: 'e',
  data,
});

describe('event versions', () => {
  it('upcasts every older version to the current one, step by step', () => {
    const versions = new EventVersions(schemas);
    expect(versions.upcast(envelope(1, { n: 4 }))).toMatchObject({ v: 3, data: { count: 4, unit: 'items' } });
    expect(versions.upcast(envelope(2, { count: 4 }))).toMatchObject({
      v: 3,
      data: { count: 4, unit: 'items' },
    });
    const current = envelope(3, { count: 4, unit: 'kg' });
    expect(versions.upcast(current)).toBe(current);
  });

  it('refuses an event newer than it understands, saying what to do', () => {
    const versions = new EventVersions(schemas);
    const newer = () => versions.upcast(envelope(4, {}));
    expect(newer).toThrow(EventVersionError);
    expect(newer).toThrow('event Counted v4 is newer than this build understands (v3): upgrade this replica');
  });

  it('downcasts as far as its downcasters go, and no further', () => {
    const versions = new EventVersions(schemas);
    expect(versions.lowestWritable('Counted')).toBe(2);
    expect(versions.downcast(envelope(3, { count: 4, unit: 'kg' }), 2)).toMatchObject({
      v: 2,
      data: { count: 4 },
    });
    expect(() => versions.downcast(envelope(3, { count: 4, unit: 'kg' }), 1)).toThrow(/below v2/);
    expect(versions.lowestWritable('Other')).toBe(1);
  });

  it('a pin makes it read and announce only up to that version, while it still works in the current one', () => {
    const pinned = new EventVersions(schemas, { Counted: 2 });
    expect(pinned.announcement()).toEqual({ Counted: 2 });
    expect(pinned.upcast(envelope(2, { count: 1 }))).toMatchObject({
      v: 3,
      data: { count: 1, unit: 'items' },
    });
    expect(() => pinned.upcast(envelope(3, { count: 1, unit: 'kg' }))).toThrow('understands (v2)');
  });

  it('refuses a pin of an unknown type or out of range, naming it', () => {
    expect(() => new EventVersions(schemas, { Other: 1 })).toThrow(ValidationError);
    expect(() => new EventVersions(schemas, { Other: 1 })).toThrow(
      'no event Other has versions to pin (known: Counted)',
    );
    expect(() => new EventVersions(schemas, { Counted: 1 })).toThrow(
      'event Counted can be pinned to v2 to v3, not 1',
    );
  });

  it('refuses a schema with a gap in its upcasters, and a version below 1', () => {
    expect(() => new EventVersions({ Gap: { current: 2 } })).toThrow('no upcaster from v1 to v2');
    expect(() => new EventVersions(schemas).upcast(envelope(0, {}))).toThrow('versions start at 1');
  });
});
