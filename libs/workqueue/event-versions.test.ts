import { type EventEnvelope, EventVersionError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { workQueueVersions } from './event-versions.ts';
import { evolve } from './evolve/evolve.ts';
import { listWorkSpecs } from './queries/spec-queries.ts';
import { blob, Namespace } from './test-support/specification.ts';

const deleted = (v: number, data: unknown): EventEnvelope => ({
  type: 'WorkSpecDeleted',
  v,
  time: 9,
  id: 'd',
  data,
});

function withSpecs(...names: string[]): Namespace {
  const ns = new Namespace();
  for (const name of names) ns.run({ type: 'SetWorkSpec', name, data: blob(name) });
  return ns;
}

describe('work-queue event versions', () => {
  it('evolve reads a WorkSpecDeleted of v1 (name) and of v2 (spec) alike', () => {
    const ns = withSpecs('a', 'b', 'c');
    evolve(ns.state, deleted(1, { name: 'a', at: 9 }));
    evolve(ns.state, deleted(2, { spec: 'b', at: 9 }));
    expect(listWorkSpecs(ns.state)[0].map((s) => s.name)).toEqual(['c']);
    expect(ns.state.ignoredEvents).toBe(0);
  });

  it('decide writes the current version; the downcast for older readers gives back v1', () => {
    const ns = withSpecs('a');
    const [event] = ns.run({ type: 'DeleteWorkSpec', name: 'a' });
    expect(event).toMatchObject({ type: 'WorkSpecDeleted', v: 2, data: { spec: 'a' } });
    const versions = workQueueVersions();
    const old = versions.downcast({ ...event, time: 1, id: 'x' } as EventEnvelope, 1);
    expect(old).toMatchObject({ v: 1, data: { name: 'a', at: (event.data as { at: number }).at } });
    expect(versions.upcast(old).data).toEqual(event.data);
  });

  it('an event newer than the build is refused by evolve, not applied as an older one', () => {
    const ns = withSpecs('a');
    expect(() => evolve(ns.state, deleted(3, { spec: 'a', at: 9 }))).toThrow(EventVersionError);
    expect(listWorkSpecs(ns.state)[0]).toHaveLength(1);
  });

  it('a build pinned to v1 announces v1 and refuses v2', () => {
    const pinned = workQueueVersions({ WorkSpecDeleted: 1 });
    expect(pinned.announcement()).toEqual({ WorkSpecDeleted: 1 });
    expect(() => pinned.upcast(deleted(2, { spec: 'a', at: 9 }))).toThrow(
      'event WorkSpecDeleted v2 is newer than this build understands (v1): upgrade this replica',
    );
    expect(pinned.upcast(deleted(1, { name: 'a', at: 9 })).data).toEqual({ spec: 'a', at: 9 });
  });
});
