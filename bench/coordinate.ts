/**
 * The Coordinate edge under the load of a Coordinate client: `passerine up` at 20, 100 and 800
 * workers and, when the original server is given, the original in alternating pairs in the same run
 * (the ratio is the median of the pairs; with no reference there is no ratio). Then `--threads 1`
 * against `--threads 2` (and local store calls against NATS), a long run at full rate (store RSS and event-stream bytes), and a kill -9
 * of everything followed by a restart and a check that every acknowledged finish is finished.
 *
 *   PASSERINE_COORDLOAD=…/coordload/run PASSERINE_COORDINATE_REFERENCE=…/coordinate-reference/run \
 *     npm run bench:coordinate
 *
 * BENCH_SECONDS (window, 10), BENCH_PAIRS (3), BENCH_WORKERS (20,100,800), BENCH_THREAD_PAIRS (3),
 * BENCH_THREAD_WORKERS (100), BENCH_LOCAL_PAIRS (3: one thread with store calls local against over
 * NATS), BENCH_PHASES (load,threads,local,soak: the parts to run before the durability check),
 * BENCH_SOAK_SECONDS (600; 0 skips it), BENCH_UNITS_PER_S (20,000) and BENCH_SOAK_UNITS_PER_S
 * (15,000): units added per second of window, more than any window can take, since a worker that
 * finds no work stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinateBenchSettings, readSettings } from '@passerine/config';
import { freePort } from '@passerine/natsconn';
import { fillDurabilitySpec, cycleUntilCut, unfinished } from './coordinate/durability.ts';
import { type LoadResult, runLoad } from './coordinate/load.ts';
import { cpuOf, type PasserineUp, startPasserine, startReference } from './coordinate/processes.ts';
import { soak } from './coordinate/soak.ts';
import { envNumber, print, progress, round } from './support.ts';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const PAIRS = envNumber('BENCH_PAIRS', 3);
const WORKERS = (process.env.BENCH_WORKERS ?? '20,100,800').split(',').map(Number);
const THREAD_PAIRS = envNumber('BENCH_THREAD_PAIRS', 3);
const THREAD_WORKERS = envNumber('BENCH_THREAD_WORKERS', 100);
const LOCAL_PAIRS = envNumber('BENCH_LOCAL_PAIRS', 3);
/** The parts to run, all by default: load (with the original), threads, local, soak (durability always runs). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'load,threads,local,soak').split(','));
const SOAK_SECONDS = envNumber('BENCH_SOAK_SECONDS', 600);
const UNITS_PER_S = envNumber('BENCH_UNITS_PER_S', 20_000);
const UNITS = Math.ceil(SECONDS * UNITS_PER_S);

const { coordload, reference } = readSettings(coordinateBenchSettings, { env: process.env });
if (!coordload) {
  print({ bench: 'coordinate', result: 'skipped', reason: 'no load client: set PASSERINE_COORDLOAD' });
  process.exit(0);
}
const common = { node: process.version, seconds: SECONDS };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let specs = 0;

/** Waits until Passerine is quiet (a snapshot after the last window would land in the next). */
async function quiet(up: PasserineUp): Promise<void> {
  const groups = up.groups();
  const total = () => Object.values(cpuOf(groups)).reduce((a, b) => a + b, 0);
  const deadline = performance.now() + 60_000;
  let calm = 0;
  let last = total();
  while (calm < 6 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = total();
    calm = now - last < 0.025 ? calm + 1 : 0;
    last = now;
  }
}

function row(
  server: string,
  workers: number,
  units: number,
  r: LoadResult,
  cpu: Record<string, number>,
  idle: number | undefined,
) {
  const line = {
    bench: 'coordinate',
    result: 'load',
    server,
    workers,
    units,
    cycles_per_s: r.cycles_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    worker_errors: r.worker_errors,
    connected: r.connected,
    per_worker_min: r.per_worker_min,
    per_worker_median: r.per_worker_median,
    per_worker_max: r.per_worker_max,
    cpu_us_per_cycle: cpu,
    machine_idle_pct: idle,
    ...(r.first_error ? { first_error: r.first_error } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...common,
  };
  print(line);
  return line;
}

const warmed = new WeakSet<PasserineUp>();

async function passerineRow(up: PasserineUp, label: string, workers: number) {
  if (!warmed.has(up)) {
    // A fresh process compiles its hot paths in its first seconds of load: not what is measured.
    warmed.add(up);
    progress(`${label}: warming up`);
    await runLoad(
      coordload!,
      { units: 20_000, workers, seconds: 3, spec: `warm${specs++}`, port: up.cborPort },
      up,
    );
  }
  await quiet(up);
  progress(`${label}: ${workers} workers`);
  const spec = `load${specs++}`;
  const { result, cpu_us_per_cycle, machine_idle_pct } = await runLoad(
    coordload!,
    { units: UNITS, workers, seconds: SECONDS, spec, port: up.cborPort },
    up,
  );
  const cpu = {
    ...cpu_us_per_cycle,
    passerine_and_nats: (cpu_us_per_cycle.passerine ?? 0) + (cpu_us_per_cycle.nats ?? 0),
  };
  return row(label, workers, UNITS, result, cpu, machine_idle_pct);
}

async function referenceRow(run: string, workers: number) {
  const port = await freePort();
  const server = await startReference(run, port);
  try {
    progress(`reference: ${workers} workers`);
    const { result, cpu_us_per_cycle, machine_idle_pct } = await runLoad(
      coordload!,
      { units: UNITS, workers, seconds: SECONDS, spec: 'load', port },
      server,
    );
    return row('reference', workers, UNITS, result, cpu_us_per_cycle, machine_idle_pct);
  } finally {
    await server.stop();
  }
}

/** `threads` undefined: the default layout (one thread per core). */
async function withPasserine<T>(
  threads: number | undefined,
  dir: string,
  body: (up: PasserineUp) => Promise<T>,
  env: NodeJS.ProcessEnv = {},
) {
  const flags = threads === undefined ? [] : ['--threads', String(threads)];
  const up = await startPasserine(dir, await freePort(), flags, env);
  try {
    return await body(up);
  } finally {
    await up.stop();
  }
}

const fresh = () => mkdtempSync(join(tmpdir(), 'passerine-bench-coordinate-'));
const dirs: string[] = [];
const dir = () => {
  const d = fresh();
  dirs.push(d);
  return d;
};

try {
  // 1. Against the original, alternating, and at every worker count.
  if (PHASES.has('load'))
    await withPasserine(undefined, dir(), async (up) => {
      const label = 'passerine';
      for (const workers of WORKERS) {
        const pairs: Array<[number, number]> = [];
        const rounds = reference && workers === WORKERS[0] ? PAIRS : 1;
        for (let i = 0; i < rounds; i++) {
          const ref = reference ? await referenceRow(reference, workers) : undefined;
          const own = await passerineRow(up, label, workers);
          if (ref) pairs.push([ref.cycles_per_s, own.cycles_per_s]);
        }
        if (pairs.length >= 3) {
          const ratios = pairs.map(([r, p]) => round(p / Math.max(1, r), 2));
          print({
            bench: 'coordinate',
            result: 'ratio_to_reference',
            workers,
            pairs,
            ratios,
            median_ratio: median(ratios),
            ...common,
          });
        }
      }
    });

  // 2. One thread against two, alternating, each on a fresh `passerine up`.
  const threadPairs: Array<[number, number]> = [];
  for (let i = 0; PHASES.has('threads') && i < THREAD_PAIRS; i++) {
    const one = await withPasserine(1, dir(), (up) =>
      passerineRow(up, 'passerine --threads 1', THREAD_WORKERS),
    );
    const two = await withPasserine(2, dir(), (up) =>
      passerineRow(up, 'passerine --threads 2', THREAD_WORKERS),
    );
    threadPairs.push([one.cycles_per_s, two.cycles_per_s]);
  }
  if (threadPairs.length) {
    const ratios = threadPairs.map(([a, b]) => round(b / Math.max(1, a), 2));
    print({
      bench: 'coordinate',
      result: 'threads_2_to_1',
      workers: THREAD_WORKERS,
      pairs: threadPairs,
      ratios,
      median_ratio: median(ratios),
      ...common,
    });
  }

  // 2b. One thread, its store calls local against over NATS, alternating.
  const localPairs: Array<[number, number]> = [];
  for (let i = 0; PHASES.has('local') && i < LOCAL_PAIRS; i++) {
    const overNats = await withPasserine(
      1,
      dir(),
      (up) => passerineRow(up, 'passerine --threads 1, PASSERINE_LOCAL_CALLS=off', THREAD_WORKERS),
      { PASSERINE_LOCAL_CALLS: 'off' },
    );
    const local = await withPasserine(1, dir(), (up) =>
      passerineRow(up, 'passerine --threads 1', THREAD_WORKERS),
    );
    localPairs.push([overNats.cycles_per_s, local.cycles_per_s]);
  }
  if (localPairs.length) {
    const ratios = localPairs.map(([a, b]) => round(b / Math.max(1, a), 2));
    print({
      bench: 'coordinate',
      result: 'local_to_nats_calls',
      workers: THREAD_WORKERS,
      pairs: localPairs,
      ratios,
      median_ratio: median(ratios),
      ...common,
    });
  }

  // 3. A long run at full rate, on a `passerine up` of its own.
  if (PHASES.has('soak') && SOAK_SECONDS > 0) {
    // At info level, for the store's snapshot, compaction and step-down lines.
    await withPasserine(
      undefined,
      dir(),
      async (up) =>
        print({
          bench: 'coordinate',
          result: 'soak',
          ...(await soak(coordload, up, SOAK_SECONDS)),
          ...common,
        }),
      { PASSERINE_LOG_LEVEL: 'info' },
    );
  }

  // 4. Cycles cut by a kill -9 of every process (nats-server too), a restart, and the check.
  const durableDir = dir();
  let up = await startPasserine(durableDir, await freePort());
  let acknowledged: string[] = [];
  let lost: string[] = [];
  try {
    await fillDurabilitySpec(up.cborPort, 50_000);
    progress('durability: cycling, then kill -9');
    const cycling = cycleUntilCut(up.cborPort, 20);
    await new Promise((r) => setTimeout(r, 5_000));
    for (const pid of up.all()) process.kill(pid, 'SIGKILL');
    await cycling.done;
    up = await startPasserine(durableDir, up.cborPort);
    acknowledged = [...cycling.acknowledged];
    lost = await unfinished(up.cborPort, acknowledged);
  } finally {
    // A failed check leaves nothing running.
    await up.stop();
  }
  print({
    bench: 'coordinate',
    result: 'durability',
    acknowledged_finishes: acknowledged.length,
    finished_after_restart: acknowledged.length - lost.length,
    lost: lost.length,
    ...(lost.length ? { lost_examples: lost.slice(0, 5) } : {}),
    ...common,
  });
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
