/**
 * npm run bench:soak [-- --minutes N] — Passerine over months, compressed: sustained Coordinate
 * cycles (add, get_work, finish) against a store process whose spec keeps ended units for a
 * retention horizon of a few minutes, with the event stream compacted into its archive once it
 * passes a small mark. One JSON object per minute: the store's RSS and the stream, archive and
 * snapshot bytes should level off after the horizon, and cycles/s stay near the first minute's.
 */
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { WorkQueue } from '@passerine/client';
import { EventArchive, provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, waitFor } from '@passerine/test-support';
import { envNumber, print, progress, round, rssMb } from './support.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'horizon-seconds': { type: 'string', default: '120' },
    workers: { type: 'string', default: String(envNumber('BENCH_WORKERS', 32)) },
    'compact-above-mb': { type: 'string', default: '16' },
  },
});
const MINUTES = Number(values.minutes);
const HORIZON_S = Number(values['horizon-seconds']);
const WORKERS = Number(values.workers);
const COMPACT_ABOVE = Number(values['compact-above-mb']) * 1024 ** 2;
/** Units kept waiting: workers never find the queue empty. */
const BACKLOG = 2_000;
const ADD_BATCH = 500;

const server = await startTestServer();
const nc = await server.connect();
const names = createNames('soak');
await provision(nc, names);
const store = spawnCli(
  ['serve', 'store', '--nats-url', server.url, '--prefix', 'soak', '--compact-above', String(COMPACT_ABOVE)],
  process.cwd(),
);
const queue = new WorkQueue(nc, names);
await waitFor(() => queue.listWorkSpecs().then(() => true), { timeoutMs: 60_000, message: 'the store' });
await queue.setWorkSpec({ name: 'soak', retention_max_age: HORIZON_S });

let added = 0;
let cycles = 0;
let stopping = false;
const unitData = { payload: 'x'.repeat(40) };

async function producer(): Promise<void> {
  while (!stopping) {
    if (added - cycles < BACKLOG) {
      const units = Array.from({ length: ADD_BATCH }, (_, i) => ({ key: `u${added + i}`, data: unitData }));
      added += units.length;
      await queue.addWorkUnits('soak', units);
    } else {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function worker(id: number): Promise<void> {
  while (!stopping) {
    const [unit] = await queue.getWork(`w${id}`, { specs: ['soak'], maxJobs: 1, leaseSeconds: 60 });
    if (!unit) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    await queue.finishAttempt(unit.attemptId);
    cycles++;
  }
}

const jsm = await jetstreamManager(nc);
const archive = new EventArchive(nc, names.archiveBucket);
async function snapshotBytes(): Promise<number> {
  const bucket = await new Objm(nc).open(names.snapshotBucket).catch(() => null);
  if (!bucket) return 0;
  return (await bucket.list()).reduce((n, o) => n + (o.deleted ? 0 : o.size), 0);
}

const running = [producer(), ...Array.from({ length: WORKERS }, (_, i) => worker(i))];
const common = {
  bench: 'soak',
  server_version: server.version.text,
  node: process.version,
  workers: WORKERS,
  horizon_s: HORIZON_S,
};
let first: number | undefined;
for (let minute = 1; minute <= MINUTES; minute++) {
  const before = cycles;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, 60_000));
  const perSecond = (cycles - before) / ((performance.now() - started) / 1000);
  first ??= perSecond;
  const stream = (await jsm.streams.info(names.eventStream)).state;
  print({
    ...common,
    minute,
    store_rss_mb: rssMb(store.child.pid!),
    stream_bytes: stream.bytes,
    stream_first_seq: stream.first_seq,
    archive_bytes: await archive.bytes(),
    snapshot_bytes: await snapshotBytes(),
    cycles_per_s: round(perSecond, 0),
    vs_first_minute: round(perSecond / first, 2),
  });
  progress(`minute ${minute}/${MINUTES}: ${cycles} cycles`);
}
stopping = true;
await Promise.allSettled(running);
store.child.kill('SIGTERM');
await store.exited;
await nc.drain();
await server.stop();
