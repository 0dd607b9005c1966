/**
 * npm run bench:workqueue — the durable work queue on one machine, in one run:
 * add 1M units, get_work+finish cycles with 800 concurrent workers, store restart to serving,
 * and the same no-op workload through BullMQ on a local Redis (peer_bullmq_*).
 * The store runs as its own process (`passerine serve store`) so its RSS and restart are real.
 */
import { WorkQueueClient } from '@passerine/client';
import { CborMap, encodeValue } from '@passerine/cbor';
import { provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, waitFor } from '@passerine/test-support';
import { runBullmqPeer } from './bullmq-peer.ts';
import { envNumber, percentile, print, progress, round, rssMb } from './support.ts';

const UNITS = envNumber('BENCH_UNITS', 1_000_000);
const WORKERS = envNumber('BENCH_WORKERS', 800);
const CYCLE_SECONDS = envNumber('BENCH_CYCLE_SECONDS', 15);
const WORK_MS = envNumber('BENCH_WORK_MS', 100);
const CHUNK = 10_000;

const server = await startTestServer();
const nc = await server.connect();
const names = createNames('bench');
await provision(nc, names, { events: { maxBytes: 8 * 1024 ** 3 } });

function startStore() {
  return spawnCli(['serve', 'store', '--nats-url', server.url, '--prefix', 'bench'], process.cwd());
}

let store = startStore();
const client = new WorkQueueClient(nc, names, { timeoutMs: 60_000 });
const common = { server_version: server.version.text, node: process.version, units: UNITS, workers: WORKERS };

await client.call('setWorkSpec', {
  spec: encodeValue(CborMap.fromObject({ name: 'bench', max_getwork: 1 })),
});
const unitData = encodeValue(CborMap.fromObject({ payload: 'x'.repeat(40) }));

// 1. Add UNITS units in chunks of CHUNK, a few requests in flight.
{
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < UNITS) {
        const from = next;
        next += CHUNK;
        const units = [];
        for (let i = from; i < Math.min(from + CHUNK, UNITS); i++)
          units.push({ key: `unit-${String(i).padStart(8, '0')}`, data: unitData });
        await client.call('addWorkUnits', { spec: 'bench', units });
        done += units.length;
        progress(`added ${done}/${UNITS}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  print({
    bench: 'workqueue',
    result: 'add',
    add_1m_seconds: round(seconds * (1_000_000 / UNITS)),
    add_seconds: round(seconds),
    units_per_s: Math.round(UNITS / seconds),
    store_rss_mb: rssMb(store.child.pid!),
    ...common,
  });
}

// 2. get_work + finish cycles with WORKERS concurrent workers, each working WORK_MS on a unit
//    (a real worker does something between the two calls), then saturated (no work time):
//    with no think time Little's law fixes latency at workers / throughput, whatever the store does.
async function cycles(workMs: number) {
  const getLatency: number[] = [];
  const finishLatency: number[] = [];
  let count = 0;
  const until = performance.now() + CYCLE_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const workerId = `w${w}`;
      // Workers that do work come up spread over one work time, as a fleet does, rather than all
      // in the same millisecond (which would measure one 800-request burst, not the queue).
      if (workMs > 0) await new Promise((r) => setTimeout(r, Math.random() * workMs));
      while (performance.now() < until) {
        const t0 = performance.now();
        const work = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
          workerId,
          maxJobs: 1,
        });
        getLatency.push(performance.now() - t0);
        if (work.length === 0) break;
        if (workMs > 0) await new Promise((r) => setTimeout(r, workMs));
        const t1 = performance.now();
        await client.call('finishAttempt', { attemptId: work[0].attempt_id });
        finishLatency.push(performance.now() - t1);
        count++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  getLatency.sort((a, b) => a - b);
  finishLatency.sort((a, b) => a - b);
  return {
    cycles_per_s: Math.round(count / seconds),
    cycles: count,
    work_ms: workMs,
    get_work_p50_ms: round(percentile(getLatency, 50)),
    get_work_p99_ms: round(percentile(getLatency, 99)),
    finish_p50_ms: round(percentile(finishLatency, 50)),
    finish_p99_ms: round(percentile(finishLatency, 99)),
    store_rss_mb: rssMb(store.child.pid!),
  };
}
const withWork = await cycles(WORK_MS);
print({ bench: 'workqueue', result: 'cycles', ...withWork, ...common });
const saturated = await cycles(0);
print({ bench: 'workqueue', result: 'cycles_saturated', ...saturated, ...common });
const cyclesPerS = Math.max(withWork.cycles_per_s, saturated.cycles_per_s);

// 3. Restart: stop the store, start a new process, time until it answers again.
{
  store.child.kill('SIGTERM');
  await store.exited;
  const started = performance.now();
  store = startStore();
  const counts = await waitFor(
    () =>
      client
        .call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec: 'bench' })
        .catch(() => null),
    { timeoutMs: 120_000, intervalMs: 50, message: 'the restarted store to answer' },
  );
  const seconds = (performance.now() - started) / 1000;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  print({
    bench: 'workqueue',
    result: 'restart',
    restart_seconds: round(seconds),
    units_after_restart: total,
    store_rss_mb: rssMb(store.child.pid!),
    ...common,
  });
}

store.child.kill('SIGTERM');
await store.exited;
await nc.close();
await server.stop();

// 4. The peer: BullMQ on a local Redis, same concurrency, no-op jobs.
const peer = await runBullmqPeer({ jobs: envNumber('BENCH_PEER_JOBS', 100_000), concurrency: WORKERS });
print({
  bench: 'workqueue',
  result: 'peer',
  ...peer,
  cycles_per_s: Math.round(cyclesPerS),
  ratio_to_bullmq:
    'peer_bullmq_jobs_per_s' in peer ? round(cyclesPerS / (peer.peer_bullmq_jobs_per_s as number)) : null,
});
