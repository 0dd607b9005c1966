import { seededRandom } from '@passerine/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkQueueCommand } from './commands.ts';
import { decide } from './decide/decide.ts';
import { event } from './events.ts';
import { evolve } from './evolve/evolve.ts';
import { defaultWorkSpecMeta } from './spec-meta.ts';
import { workQueueDecider } from './decider.ts';
import { compareCanonical, canonicalName } from './keys.ts';
import { attemptHistory, startedWork } from './queries/attempt-queries.ts';
import { nextDeadline } from './queries/deadline.ts';
import { countWorkUnits, listWorkSpecs } from './queries/spec-queries.ts';
import { getWorkUnitStatus, getWorkUnits } from './queries/unit-queries.ts';
import { listWorkerModes } from './queries/worker-queries.ts';
import { restoreNamespace, snapshotNamespace } from './snapshot.ts';
import { createNamespaceState, type NamespaceState } from './state.ts';
import { blob, bytes, Namespace } from './test-support/specification.ts';

/** Everything a client can observe, in plain values. */
function observe(state: NamespaceState) {
  const [specs] = listWorkSpecs(state);
  return {
    specs,
    units: specs.map((s) => {
      const units = getWorkUnits(state, s.name, { limit: 1e9 });
      const keys = units.map(([k]) => k);
      return {
        counts: countWorkUnits(state, s.name),
        units,
        status: getWorkUnitStatus(state, s.name, keys),
        history: keys.map((k) => attemptHistory(state, s.name, k)),
      };
    }),
    pending: [...state.pending.keys()].sort(),
    workers: listWorkerModes(state),
    deadline: nextDeadline(state),
    ignored: state.ignoredEvents,
  };
}

function randomSession(seed: number, steps: number): Namespace {
  const ns = new Namespace();
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const keys = ['a', 'b', 'c', bytes(0x61), bytes(0xff, 0)];
  const commands: Array<() => WorkQueueCommand> = [
    () => ({
      type: 'SetWorkSpec',
      name: pick(['s1', 's2']),
      data: blob('spec'),
      meta: { max_retries: 2, weight: pick([1, 5]) },
    }),
    () => ({
      type: 'AddWorkUnits',
      spec: pick(['s1', 's2']),
      units: [{ key: pick(keys), data: blob(String(random())) }],
    }),
    () => ({
      type: 'GetWork',
      workerId: pick(['w1', 'w2']),
      maxJobs: pick([1, 3]),
      leaseSeconds: pick([1, 5]),
    }),
    () => ({ type: 'UpdateWorkUnit', spec: pick(['s1', 's2']), key: pick(keys), status: pick([1, 4, 5]) }),
    () => ({
      type: 'RetryAttempt',
      attemptId: pick([...ns.state.pending.keys(), 'none']),
      delaySeconds: pick([0, 2]),
    }),
    () => ({ type: 'FinishAttempt', attemptId: pick([...ns.state.pending.keys(), 'none']) }),
    () => ({ type: 'ExpireLeases' }),
    () => ({ type: 'ReleaseDelayedUnits' }),
    () => ({ type: 'RecordWorkerHeartbeat', workerId: pick(['w1', 'w2']), mode: 'RUN', expireSeconds: 3 }),
    () => ({ type: 'ExpireWorkers' }) as WorkQueueCommand,
    () => ({ type: 'DeleteWorkUnits', spec: pick(['s1', 's2']), state: pick([4, 5]) }),
    () => ({ type: 'PrioritizeWorkUnits', spec: pick(['s1', 's2']), keys: [pick(keys)], adjustment: 1 }),
  ];
  for (let i = 0; i < steps; i++) {
    ns.ctx.advance(Math.floor(random() * 1500));
    try {
      ns.run(pick(commands)());
    } catch {
      // Rejected commands leave no events; that is part of what is being checked.
    }
  }
  return ns;
}

describe('replay', () => {
  it('replaying the events of a decided sequence reproduces the same state', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const ns = randomSession(seed, 400);
      let replayed = workQueueDecider.initialState();
      for (const e of ns.log) replayed = workQueueDecider.evolve(replayed, e);
      expect(observe(replayed)).toEqual(observe(ns.state));
    }
  });

  it('a restored snapshot is the same state and decides the same', () => {
    const ns = randomSession(21, 400);
    const restored = restoreNamespace(structuredClone(snapshotNamespace(ns.state)));
    expect(observe(restored)).toEqual(observe(ns.state));
    const ctx = () => ({ now: ns.ctx.now + 2000, nextId: () => 'next', random: () => 0.5 });
    const command: WorkQueueCommand = { type: 'GetWork', workerId: 'w1', maxJobs: 3 };
    expect(decide(command, restored, ctx())).toEqual(decide(command, ns.state, ctx()));
    expect(decide({ type: 'ExpireLeases' }, restored, ctx())).toEqual(
      decide({ type: 'ExpireLeases' }, ns.state, ctx()),
    );
  });

  it('decide only reads: deciding without evolving leaves the state as it was', () => {
    const ns = randomSession(11, 300);
    const before = observe(ns.state);
    const ctx = { ...ns.ctx, now: ns.ctx.now + 3_600_000 };
    const commands: WorkQueueCommand[] = [
      { type: 'GetWork', workerId: 'w1', maxJobs: 5 },
      { type: 'ExpireLeases' },
      { type: 'ExpireWorkers' } as WorkQueueCommand,
      { type: 'ReleaseDelayedUnits' },
      { type: 'DeleteWorkUnits', spec: 's1', all: true },
      { type: 'ClearNamespace' } as WorkQueueCommand,
    ];
    for (const command of commands) {
      try {
        decide(command, ns.state, ctx);
      } catch {
        // A refusal is fine; a change is not.
      }
    }
    expect(observe(ns.state)).toEqual(before);
  });

  it('get_work never hands out a unit twice while it is pending', () => {
    const ns = randomSession(9, 200);
    const seen = new Set<string>();
    for (const attempt of ns.state.pending.values()) {
      const id = `${attempt.unit.specId}/${attempt.unit.key}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    expect(startedWork(ns.state, []).length).toBe(0);
  });
});

describe('name order', () => {
  it('is byte-wise on UTF-8; equal bytes are one name when ASCII, else bytes come before text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const enc = new TextEncoder();
        const byteOrder = Buffer.compare(Buffer.from(enc.encode(a)), Buffer.from(enc.encode(b)));
        expect(Math.sign(compareCanonical(canonicalName(a), canonicalName(b)))).toBe(byteOrder);
        const ascii = [...a].every((c) => c.charCodeAt(0) < 0x80);
        const sameBytes = compareCanonical(canonicalName(enc.encode(a)), canonicalName(a));
        if (ascii) expect(sameBytes).toBe(0);
        else expect(sameBytes).toBeLessThan(0);
      }),
    );
  });
});

describe("a log written before b'a' and u'a' were one key", () => {
  it('replays them as one unit, the first kind kept, and skips what no longer fits', () => {
    const meta = { ...defaultWorkSpecMeta };
    const events = [
      event('WorkSpecSet', { name: 's', data: blob('s'), meta }),
      event('WorkUnitsAdded', {
        spec: 's',
        at: 1,
        units: [{ key: bytes(0x61), data: blob('first'), priority: 2 }],
      }),
      event('WorkUnitsAdded', { spec: 's', at: 2, units: [{ key: 'a', data: blob('second'), priority: 0 }] }),
      event('AttemptsStarted', {
        spec: 's',
        workerId: 'w1',
        at: 3,
        expiresAt: 100,
        attempts: [{ id: 'x1', key: bytes(0x61) }],
      }),
      // Once a unit of its own: started and finished while the other was pending.
      event('AttemptsStarted', {
        spec: 's',
        workerId: 'w2',
        at: 4,
        expiresAt: 100,
        attempts: [{ id: 'x2', key: 'a' }],
      }),
      event('AttemptFinished', { id: 'x2', spec: 's', key: 'a', at: 5 }),
    ];
    let state = createNamespaceState();
    for (const e of events) state = evolve(state, e);
    expect(getWorkUnits(state, 's')).toEqual([[bytes(0x61), blob('second')]]);
    expect(countWorkUnits(state, 's')).toEqual({ 3: 1 });
    expect(getWorkUnitStatus(state, 's', ['a'])[0]).toMatchObject({ status: 3, worker_id: 'w1' });
    expect(state.ignoredEvents).toBe(2);
  });
});
