import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNames } from '@passerine/subjects';
import { envNumber } from '../support.ts';
import { runLoad } from './load.ts';
import { type PasserineUp, rssMb } from './processes.ts';

const SAMPLE_MS = 10_000;
const WORKERS = 100;
/** Units per second of the run: above what the window can take (BENCH_SOAK_UNITS_PER_S). */
const UNITS_PER_S = envNumber('BENCH_SOAK_UNITS_PER_S', 15_000);

/**
 * Full rate for `seconds`: what grows and how fast. Samples the store's process RSS (the primary
 * of `passerine up` holds the store) and the event stream's bytes every SAMPLE_MS; growth is read
 * from the first sample after the units were added.
 */
export async function soak(coordload: string, up: PasserineUp, seconds: number) {
  const nc = await connect(up.natsAdmin());
  const jsm = await jetstreamManager(nc);
  const stream = createNames('psr').eventStream;
  const streamBytes = async () => (await jsm.streams.info(stream)).state.bytes;
  const maxBytes = (await jsm.streams.info(stream)).config.max_bytes;
  const samples: Array<{ s: number; rss_mb: number; stream_mb: number }> = [];
  const started = performance.now();
  const sample = async () =>
    samples.push({
      s: Math.round((performance.now() - started) / 1000),
      rss_mb: rssMb(up.pid),
      stream_mb: Math.round((await streamBytes()) / 1e5) / 10,
    });
  await sample();
  const timer = setInterval(() => void sample(), SAMPLE_MS);
  const units = Math.ceil(seconds * UNITS_PER_S);
  const { result, cpu_us_per_cycle, machine_idle_pct } = await runLoad(
    coordload,
    { units, workers: WORKERS, seconds, spec: 'soak', port: up.cborPort },
    up,
  );
  clearInterval(timer);
  await sample();
  await nc.close();
  // Growth is counted from the window's start: the add of the units before it is not a cycle.
  const addS = units / Math.max(1, result.add_units_per_s);
  const first = samples.find((x) => x.s >= addS) ?? samples[0];
  const last = samples[samples.length - 1];
  const minutes = Math.max(1e-9, (last.s - first.s) / 60);
  return {
    soak_seconds: seconds,
    workers: WORKERS,
    units,
    cycles: result.cycles,
    cycles_per_s: result.cycles_per_s,
    p99_ms: result.p99_ms,
    worker_errors: result.worker_errors,
    ...(result.first_error ? { first_error: result.first_error } : {}),
    cpu_us_per_cycle,
    machine_idle_pct,
    window_start_s: first.s,
    store_rss_mb: {
      start: first.rss_mb,
      end: last.rss_mb,
      per_minute: Math.round(((last.rss_mb - first.rss_mb) / minutes) * 10) / 10,
    },
    stream_mb: {
      start: first.stream_mb,
      end: last.stream_mb,
      per_minute: Math.round(((last.stream_mb - first.stream_mb) / minutes) * 10) / 10,
      max: Math.round(maxBytes / 1e5) / 10,
    },
    bytes_per_cycle: Math.round(((last.stream_mb - first.stream_mb) * 1e6) / Math.max(1, result.cycles)),
    samples,
  };
}
