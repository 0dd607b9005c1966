/**
 * npm run bench:eventlog — the event log's throughput, all in one run on one nats-server:
 * baseline (one acked message per event), group commit, projector replay, snapshot restore.
 * Prints one JSON object per result.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { decode, encode, type EventEnvelope } from '@passerine/core';
import {
  ensureEventStream,
  GroupCommitter,
  JetStreamEventLog,
  runProjector,
  SnapshotStore,
} from '@passerine/eventlog';
import { startTestServer } from '@passerine/test-support';
import { print } from './support.ts';

const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? 50_000);
const PROJECTION_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 500);
const WINDOW = 1000;

function event(i: number): EventEnvelope {
  return {
    type: 'UnitAdded',
    v: 1,
    time: 1_700_000_000_000 + i,
    id: `e${i}`,
    data: { key: `unit-${i}`, p: i % 7 },
  };
}

const server = await startTestServer();
const nc = await server.connect();
const jsm = await jetstreamManager(nc);
let baselineRate = 0;
const common = { server_version: server.version.text, node: process.version };

// Baseline: one message per event, acked, WINDOW publishes in flight (the best a client does alone).
{
  await ensureEventStream(jsm, 'BASE', ['base.>']);
  const js = jetstream(nc);
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < BASELINE_EVENTS; i++) {
    const p: Promise<unknown> = js.publish('base.x', encode(event(i))).then(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  print({
    bench: 'eventlog',
    result: 'baseline',
    baseline_appends_per_s: Math.round(BASELINE_EVENTS / seconds),
    events: BASELINE_EVENTS,
    window: WINDOW,
    ...common,
  });
  baselineRate = BASELINE_EVENTS / seconds;
}

// Group commit: PRODUCERS concurrent writers appending one event at a time through the event log.
await ensureEventStream(jsm, 'GC', ['gc.>'], { maxBytes: 4 * 1024 ** 3 });
const log = new JetStreamEventLog(nc, { stream: 'GC' });
{
  const committer = new GroupCommitter(log, 'gc.units', { maxInFlight: 4 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < PROJECTION_EVENTS) {
        const i = next++;
        await committer.append([event(i)]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = PROJECTION_EVENTS / seconds;
  const info = await jsm.streams.info('GC');
  print({
    bench: 'eventlog',
    result: 'group_commit',
    group_commit_events_per_s: Math.round(rate),
    events: PROJECTION_EVENTS,
    producers: PRODUCERS,
    messages: info.state.messages,
    ratio_to_baseline: Number((rate / baselineRate).toFixed(1)),
    ...common,
  });
}

// Replay: a projector applies every event (a map of unit key -> priority, as a work-queue view would).
const projection = new Map<string, number>();
const evolve = (e: EventEnvelope) => {
  const d = e.data as { key: string; p: number };
  projection.set(d.key, d.p);
};
let checkpoint = 0;
{
  const started = performance.now();
  const projector = runProjector({ log, evolve, untilEnd: true });
  await projector.done;
  checkpoint = projector.checkpoint();
  const seconds = (performance.now() - started) / 1000;
  print({
    bench: 'eventlog',
    result: 'replay',
    replay_events_per_s: Math.round(projection.size / seconds),
    events: projection.size,
    ...common,
  });
}

// Snapshot, a tail of 10,000 more events, then restore = newest snapshot + tail.
{
  const snapshots = new SnapshotStore(nc, 'BENCH_SNAPSHOTS');
  const entries = [...projection.entries()];
  const saveStarted = performance.now();
  const bytes = encode(entries);
  await snapshots.save('units', checkpoint, bytes);
  const saveSeconds = (performance.now() - saveStarted) / 1000;
  const tail = new GroupCommitter(log, 'gc.units');
  await Promise.all(Array.from({ length: 10_000 }, (_, i) => tail.append([event(PROJECTION_EVENTS + i)])));

  const started = performance.now();
  const snap = (await snapshots.load('units'))!;
  projection.clear();
  for (const [k, v] of decode<[string, number][]>(snap.data)) projection.set(k, v);
  const projector = runProjector({ log, evolve, checkpoint: snap.seq, untilEnd: true });
  await projector.done;
  const seconds = (performance.now() - started) / 1000;
  print({
    bench: 'eventlog',
    result: 'snapshot_restore',
    snapshot_restore_s: Number(seconds.toFixed(3)),
    projection_events: PROJECTION_EVENTS,
    tail_events: 10_000,
    restored_entries: projection.size,
    snapshot_bytes: bytes.length,
    snapshot_save_s: Number(saveSeconds.toFixed(3)),
    ...common,
  });
}

await nc.close();
await server.stop();
