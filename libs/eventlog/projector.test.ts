import { jetstream } from '@nats-io/jetstream';
import { type EventEnvelope, EventVersionError, UnknownEventError } from '@passerine/core';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStoppedError, runProjector, SnapshotStore } from './index.ts';
import { ev } from './test-events.ts';
import { freshLog } from './test-log.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A counter projection: Added(n) adds n; version 2 is not known yet. */
function counter() {
  const state = { total: 0 };
  const evolve = (e: EventEnvelope) => {
    if (e.type !== 'Added') throw new UnknownEventError(e.type);
    if (e.v > 1) throw new EventVersionError(e.type, e.v, 1);
    state.total += e.data as number;
  };
  return { state, evolve };
}

describe('projector', () => {
  it('catches up from a checkpoint, then follows the live tail', async () => {
    const { log, subject } = await freshLog(server);
    for (let i = 1; i <= 5; i++) await log.append(subject('c'), [ev('Added', i)]);
    const { state, evolve } = counter();
    const projector = runProjector({ log, evolve });
    await projector.caughtUp;
    expect(state.total).toBe(15);
    await log.append(subject('c'), [ev('Added', 100)]);
    await waitFor(() => state.total === 115);
    await projector.stop();

    const again = counter();
    const fromCheckpoint = runProjector({
      log,
      evolve: again.evolve,
      checkpoint: projector.checkpoint() - 1,
    });
    await fromCheckpoint.caughtUp;
    expect(again.state.total).toBe(100);
    await fromCheckpoint.stop();
  });

  it('is caught up at once on an empty log', async () => {
    const { log } = await freshLog(server);
    const projector = runProjector({ log, evolve: counter().evolve });
    await projector.caughtUp;
    await projector.stop();
  });

  it('reports corrupt messages and unknown events with their sequence and skips them', async () => {
    const { nc, log, subject } = await freshLog(server);
    await log.append(subject('c'), [ev('Added', 1)]);
    const bad = await jetstream(nc).publish(subject('c'), new Uint8Array([0xc1]));
    const unknown = await log.append(subject('c'), [ev('Renamed', 'x')]);
    await log.append(subject('c'), [ev('Added', 2)]);
    const { state, evolve } = counter();
    const projector = runProjector({ log, evolve, untilEnd: true });
    await projector.done;
    expect(state.total).toBe(3);
    expect(projector.problems().map((p) => [p.seq, p.kind])).toEqual([
      [bad.seq, 'corrupt'],
      [unknown.seq, 'unknownType'],
    ]);
  });

  it('stops on an event newer than it reads, naming the sequence', async () => {
    const { log, subject } = await freshLog(server);
    await log.append(subject('c'), [ev('Added', 1)]);
    const future = await log.append(subject('c'), [ev('Added', 5, 2)]);
    await log.append(subject('c'), [ev('Added', 7)]);
    const { state, evolve } = counter();
    const projector = runProjector({ log, evolve });
    const err = await projector.caughtUp.catch((e) => e);
    expect(err).toBeInstanceOf(ProjectionStoppedError);
    expect((err as Error).message).toContain(`sequence ${future.seq}`);
    expect(state.total).toBe(1);
    expect(projector.checkpoint()).toBe(future.seq - 1);
  });
});

describe('snapshots', () => {
  it('restores a projection from the newest snapshot plus the tail', async () => {
    const { nc, prefix, log, subject } = await freshLog(server);
    const snapshots = new SnapshotStore(nc, `${prefix.toUpperCase()}_SNAP`);
    expect(await snapshots.load('counter')).toBeNull();
    for (let i = 1; i <= 10; i++) await log.append(subject('c'), [ev('Added', i)]);
    const first = counter();
    const p = runProjector({ log, evolve: first.evolve, untilEnd: true });
    await p.done;
    await snapshots.save('counter', p.checkpoint(), new TextEncoder().encode(JSON.stringify(first.state)));
    await log.append(subject('c'), [ev('Added', 1000)]);

    const snap = (await snapshots.load('counter'))!;
    const restored = counter();
    Object.assign(restored.state, JSON.parse(new TextDecoder().decode(snap.data)));
    const tail = runProjector({ log, evolve: restored.evolve, checkpoint: snap.seq, untilEnd: true });
    await tail.done;
    expect(restored.state.total).toBe(1055);
  });
});
