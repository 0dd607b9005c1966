/**
 * npm run bench:gateway — what the Coordinate edge costs, in one run on one nats-server and one
 * store: get_work + finish cycles/s with WORKERS concurrent workers over CBOR-RPC (each its own TCP
 * connection to the gateway, as Python workers connect), and the same cycles over the internal
 * NATS API (WorkQueueClient). Store and gateway run as their own processes (`passerine serve`),
 * so the bench process only plays the clients. Prints one JSON object per path, then the ratio;
 * `cpu_us_per_cycle` splits each window's CPU between the bench client, gateway, store and nats-server.
 */
import { readFileSync } from 'node:fs';
import { WorkQueueClient } from '@passerine/client';
import { CborMap, type CborValue, encodeValue, type Tuple } from '@passerine/cbor';
import { provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, waitFor } from '@passerine/test-support';
import { CborConnection } from './cbor-connection.ts';
import { envNumber, percentile, print, progress, round, rssMb } from './support.ts';

const WORKERS = envNumber('BENCH_WORKERS', 800);
const CYCLE_SECONDS = envNumber('BENCH_CYCLE_SECONDS', 15);
const UNITS = envNumber('BENCH_UNITS', 400_000);
const CHUNK = 10_000;
const PREFIX = 'benchgw';

const server = await startTestServer();
const nc = await server.connect();
const names = createNames(PREFIX);
await provision(nc, names, { events: { maxBytes: 8 * 1024 ** 3 } });
const store = spawnCli(['serve', 'store', '--nats-url', server.url, '--prefix', PREFIX], process.cwd());
const gateway = spawnCli(
  [
    'serve',
    'gateway',
    '--nats-url',
    server.url,
    '--prefix',
    PREFIX,
    '--cbor-port',
    '0',
    '--grpc-port',
    '0',
    '--http-port',
    '0',
  ],
  process.cwd(),
);
const cborPort = Number(
  await waitFor(() => /cbor\s+tcp:\/\/[^:]+:(\d+)/.exec(gateway.output())?.[1], {
    timeoutMs: 60_000,
    message: 'the gateway',
  }),
);
const client = new WorkQueueClient(nc, names, { timeoutMs: 60_000 });
const common = {
  workers: WORKERS,
  cycle_seconds: CYCLE_SECONDS,
  server_version: server.version.text,
  node: process.version,
};

// Each path works its own spec, filled up front so neither runs dry inside its window.
const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);
const unitData = encodeValue(dict({ payload: 'x'.repeat(40) }));
for (const spec of ['via_nats', 'via_cbor']) {
  await client.call('setWorkSpec', { spec: encodeValue(dict({ name: spec })) });
  for (let from = 0; from < UNITS; from += CHUNK) {
    const units = Array.from({ length: Math.min(CHUNK, UNITS - from) }, (_, i) => ({
      key: `u${from + i}`,
      data: unitData,
    }));
    await client.call('addWorkUnits', { spec, units });
    progress(`${spec}: added ${from + units.length}/${UNITS}`);
  }
}

/** CPU seconds a process has used (Linux /proc; clock ticks at 100 Hz). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until the store is quiet: under a tenth of a core for 1.5 s, longer than its 1 s tick,
 * which is what starts a snapshot. A snapshot (every 200k events, once the writes are all
 * acknowledged, so typically right after a window) costs seconds of CPU; without the wait it
 * lands in whichever window comes next.
 */
async function storeQuiet(): Promise<void> {
  const deadline = performance.now() + 60_000;
  let quiet = 0;
  let last = cpuSeconds(store.child.pid!);
  while (quiet < 6 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuSeconds(store.child.pid!);
    quiet = now - last < 0.025 ? quiet + 1 : 0;
    last = now;
  }
}

interface Cycle {
  getWork(): Promise<{ key: string; data: CborValue } | null>;
  finish(key: string, data: CborValue): Promise<void>;
}

/** CPU seconds used so far by each process taking part. */
function cpuNow() {
  const own = process.cpuUsage();
  return {
    bench: (own.user + own.system) / 1e6,
    gateway: cpuSeconds(gateway.child.pid!),
    store: cpuSeconds(store.child.pid!),
    nats: cpuSeconds(server.server.pid),
  };
}

/** Microseconds of CPU per cycle that each process spent in a window. */
function cpuPerCycle(before: ReturnType<typeof cpuNow>, cycles: number) {
  const after = cpuNow();
  const per = (key: keyof typeof after) =>
    Math.round(((after[key] - before[key]) * 1e6) / Math.max(1, cycles));
  return { bench_us: per('bench'), gateway_us: per('gateway'), store_us: per('store'), nats_us: per('nats') };
}

/** Runs WORKERS loops of get_work then finish for CYCLE_SECONDS; latencies per call. */
async function measure(path: string, workers: Cycle[]) {
  const getMs: number[] = [];
  const finishMs: number[] = [];
  let cycles = 0;
  const cpuBefore = cpuNow();
  const started = performance.now();
  const until = started + CYCLE_SECONDS * 1000;
  await Promise.all(
    workers.map(async (worker) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const work = await worker.getWork();
        const t1 = performance.now();
        getMs.push(t1 - t0);
        if (!work) break;
        await worker.finish(work.key, work.data);
        finishMs.push(performance.now() - t1);
        cycles++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerCycle(cpuBefore, cycles);
  getMs.sort((a, b) => a - b);
  finishMs.sort((a, b) => a - b);
  return {
    bench: 'gateway',
    result: path,
    cycles_per_s: Math.round(cycles / seconds),
    cycles,
    get_work_p50_ms: round(percentile(getMs, 50)),
    get_work_p99_ms: round(percentile(getMs, 99)),
    finish_p50_ms: round(percentile(finishMs, 50)),
    finish_p99_ms: round(percentile(finishMs, 99)),
    store_rss_mb: rssMb(store.child.pid!),
    gateway_rss_mb: rssMb(gateway.child.pid!),
    cpu_us_per_cycle: cpu,
    ...common,
  };
}

// The internal API: the same operations the gateway makes (get_work, then update_work_unit to
// FINISHED with the unit's data), from one NATS connection.
const natsWorkers: Cycle[] = Array.from({ length: WORKERS }, (_, w) => ({
  async getWork() {
    const work = await client.call<'getWork', Array<{ work_unit_key: string; work_unit_data: Uint8Array }>>(
      'getWork',
      {
        workerId: `n${w}`,
        maxJobs: 1,
        leaseSeconds: 300,
        specs: ['via_nats'],
      },
    );
    return work.length ? { key: work[0].work_unit_key, data: work[0].work_unit_data } : null;
  },
  async finish(key, data) {
    await client.call('updateWorkUnit', {
      spec: 'via_nats',
      key,
      status: 4,
      data: data as Uint8Array,
      workerId: `n${w}`,
    });
  },
}));
await storeQuiet();
const viaNats = await measure('nats', natsWorkers);
print(viaNats);

// CBOR-RPC: one TCP connection per worker, the calls a Python Coordinate worker makes.
const connections = await Promise.all(Array.from({ length: WORKERS }, () => CborConnection.open(cborPort)));
const cborWorkers: Cycle[] = connections.map((c, w) => ({
  async getWork() {
    const options = dict({ max_jobs: 1, lease_time: 300, work_spec_names: ['via_cbor'] });
    const [work] = ((await c.call('get_work', [`c${w}`, options])) as Tuple).items;
    const [spec, key, data] = (work as Tuple).items;
    return spec === null ? null : { key: key as string, data };
  },
  async finish(key, data) {
    await c.call('update_work_unit', ['via_cbor', key, dict({ status: 4, data, worker_id: `c${w}` })]);
  },
}));
await storeQuiet();
const viaCbor = await measure('cbor_rpc', cborWorkers);
print(viaCbor);
print({
  bench: 'gateway',
  result: 'ratio',
  cbor_to_nats: round(viaCbor.cycles_per_s / viaNats.cycles_per_s),
  gateway_cost_pct: round(100 * (1 - viaCbor.cycles_per_s / viaNats.cycles_per_s), 1),
  ...common,
});

for (const c of connections) c.close();
for (const p of [gateway, store]) {
  p.child.kill('SIGTERM');
  await p.exited;
}
await nc.close();
await server.stop();
