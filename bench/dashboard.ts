/**
 * npm run bench:dashboard — does a dashboard client that never reads slow the services? The store
 * and gateway run as their own processes; get_work+finish cycles run through the internal API for
 * a fixed time, alternately with one reading dashboard client and with that client plus STALLED
 * clients that connect to the live feed and never read a byte (the gateway drops each once it
 * holds more than its push buffer; its log counts the drops).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { CborMap, encodeValue } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, waitFor } from '@passerine/test-support';
import { envNumber, print, round } from './support.ts';

const PREFIX = 'benchdash';
const WORKERS = envNumber('BENCH_WORKERS', 100);
const SECONDS = envNumber('BENCH_CYCLE_SECONDS', 10);
const PAIRS = envNumber('BENCH_PAIRS', 3);
const STALLED = envNumber('BENCH_STALLED', 5);

const server = await startTestServer();
const nc = await server.connect();
const names = createNames(PREFIX);
await provision(nc, names);
const store = spawnCli(['serve', 'store', '--nats-url', server.url, '--prefix', PREFIX], process.cwd());
const gateway = spawnCli(
  ['serve', 'gateway', '--nats-url', server.url, '--prefix', PREFIX].concat([
    '--cbor-port',
    '0',
    '--grpc-port',
    '0',
    '--http-port',
    '0',
    '--log-level',
    'info',
  ]),
  process.cwd(),
);
const httpPort = Number(
  await waitFor(() => /http\s+http:\/\/[^:]+:(\d+)/.exec(gateway.output())?.[1], { timeoutMs: 60_000 }),
);
const client = new WorkQueueClient(nc, names, { timeoutMs: 60_000 });
// A hundred specs of long names make each snapshot about 1 MB, so stalled clients fill in seconds.
for (let i = 0; i < 100; i++) {
  await client.call('setWorkSpec', {
    spec: encodeValue(CborMap.fromObject({ name: `s${i}-${'x'.repeat(10_000)}` })),
  });
}
await client.call('setWorkSpec', { spec: encodeValue(CborMap.fromObject({ name: 'busy' })) });
const data = encodeValue(CborMap.fromObject({}));
async function refill(count: number) {
  for (let from = 0; from < count; from += 10_000) {
    const units = Array.from({ length: Math.min(10_000, count - from) }, (_, i) => ({
      key: `u${Date.now()}-${from + i}`,
      data,
    }));
    await client.call('addWorkUnits', { spec: 'busy', units });
  }
}

/** Connects to the live feed and never reads a byte; the gateway's log tells when it is dropped. */
function stalledClient(stop: { now: boolean }) {
  const socket: Socket = tcpConnect(httpPort, '127.0.0.1', () => {
    socket.pause();
    socket.write('GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
  socket.on('error', () => undefined);
  const look = setInterval(() => {
    if (!stop.now) return;
    clearInterval(look);
    socket.destroy();
  }, 200);
}

const drops = () => gateway.output().split('dashboard client dropped').length - 1;

async function readingClient(stop: { now: boolean }) {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/live`);
  let snapshots = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    snapshots += Buffer.from(chunk).toString('utf8').split('event: snapshot').length - 1;
    if (stop.now) break;
  }
  return snapshots;
}

async function cycles(seconds: number): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const workerId = `w${w}`;
      await client.call('workerHeartbeat', { workerId, expireSeconds: 600 });
      while (performance.now() < until) {
        const [work] = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
          workerId,
          specs: ['busy'],
        });
        if (!work) break;
        await client.call('finishAttempt', { attemptId: work.attempt_id });
        done++;
      }
    }),
  );
  return done / seconds;
}

const common = {
  workers: WORKERS,
  cycle_seconds: SECONDS,
  server_version: server.version.text,
  node: process.version,
};
await refill(200_000);
await cycles(3); // warm up
for (let pair = 0; pair < PAIRS; pair++) {
  // The baseline has the reading client too: the snapshots it causes load the store the same in
  // both phases, so the difference is the stalled clients' alone.
  const baselineStop = { now: false };
  const baselineReader = readingClient(baselineStop);
  const baseline = await cycles(SECONDS);
  baselineStop.now = true;
  print({
    bench: 'dashboard',
    result: 'reader_only',
    cycles_per_s: round(baseline, 0),
    reader_snapshots: await baselineReader,
    pair,
    ...common,
  });
  const stop = { now: false };
  const dropsBefore = drops();
  for (let i = 0; i < STALLED; i++) stalledClient(stop);
  const reading = readingClient(stop);
  const rate = await cycles(SECONDS);
  stop.now = true;
  const snapshots = await reading;
  print({
    bench: 'dashboard',
    result: 'stalled_clients',
    cycles_per_s: round(rate, 0),
    stalled_clients: STALLED,
    stalled_drops: drops() - dropsBefore,
    reader_snapshots: snapshots,
    pair,
    ...common,
  });
}

gateway.child.kill('SIGTERM');
store.child.kill('SIGTERM');
await nc.close();
await server.stop();
process.exit(0);
