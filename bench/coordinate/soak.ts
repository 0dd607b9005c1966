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
  const streamState = async () => (await jsm.streams.info(stream)).state;
  const maxBytes = (await jsm.streams.info(stream)).config.max_bytes;
  const samples: Array<{
    s: number;
    rss_mb: number;
    stream_mb: number;
    first_seq: number;
    last_seq: number;
  }> = [];
  const started = performance.now();
  const sample = async () => {
    const state = await streamState();
    samples.push({
      s: Math.round((performance.now() - started) / 1000),
      rss_mb: rssMb(up.pid),
      stream_mb: Math.round(state.bytes / 1e5) / 10,
      // A first sequence that moves is a compaction.
      first_seq: state.first_seq,
      last_seq: state.last_seq,
    });
  };
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
    // Compaction shrinks the stream, so what a cycle appends is read from sequences and the bytes
    // the stream holds per commit.
    bytes_per_cycle: Math.round(
      (((last.stream_mb * 1e6) / Math.max(1, last.last_seq - last.first_seq + 1)) *
        (last.last_seq - first.last_seq)) /
        Math.max(1, result.cycles),
    ),
    compactions: new Set(samples.map((x) => x.first_seq).filter((seq) => seq > 0)).size - 1,
    store_log: storeLog(up.output()),
    samples: samples.map(({ last_seq: _, ...x }) => x),
  };
}

/** What the store logged at info level: its snapshots (and how long their copy held the loop), compactions, step-downs. */
function storeLog(output: string) {
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; copyMs?: number; reason?: string };
      } catch {
        return {};
      }
    });
  const snapshots = lines.filter((l) => l.msg === 'snapshot saved');
  return {
    snapshots: snapshots.length,
    snapshot_copy_ms_max: Math.max(0, ...snapshots.map((l) => l.copyMs ?? 0)),
    compactions: lines.filter((l) => l.msg === 'event stream compacted').length,
    step_downs: lines.filter((l) => l.msg === 'stepping down').map((l) => l.reason),
  };
}
