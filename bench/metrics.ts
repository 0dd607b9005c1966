/**
 * npm run bench:metrics — what the figures cost, in-process: nanoseconds per call of prom-client's
 * labelled counter and histogram against Passerine's call figures (what a gateway call and a store
 * operation record), and how long a scrape of SPECS work specs' queue depth takes to render. One
 * JSON object per result.
 */
import { createMetrics } from '@passerine/metrics';
import { Counter, Histogram } from 'prom-client';
import { envNumber, print, round } from './support.ts';

const CALLS = envNumber('BENCH_CALLS', 2_000_000);
const SPECS = envNumber('BENCH_SPECS', 1_000);
const base = { calls: CALLS, node: process.version };

function timeNs(run: (i: number) => void): number {
  for (let i = 0; i < 50_000; i++) run(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) run(i);
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const metrics = createMetrics();
// prom-client's own labelled counter and histogram, for comparison with Passerine's call figures.
const plain = {
  counter: new Counter({
    name: 'plain_total',
    help: 'x',
    labelNames: ['edge', 'method', 'outcome'],
    registers: [],
  }),
  histogram: new Histogram({
    name: 'plain_seconds',
    help: 'x',
    labelNames: ['edge', 'method'],
    registers: [],
  }),
};
const methods = ['get_work', 'update_work_unit', 'add_work_units', 'get_work_unit_status'];

print({
  bench: 'metrics',
  result: 'counter_inc_labelled',
  ns_per_call: round(
    timeNs((i) => plain.counter.inc({ edge: 'cbor', method: methods[i & 3], outcome: 'ok' })),
  ),
  ...base,
});
print({
  bench: 'metrics',
  result: 'histogram_observe_labelled',
  ns_per_call: round(
    timeNs((i) => plain.histogram.observe({ edge: 'cbor', method: methods[i & 3] }, (i % 100) / 10_000)),
  ),
  ...base,
});

const series = methods.map((m) => metrics.gatewayCalls.of('cbor', m));
print({
  bench: 'metrics',
  result: 'call_figures_record',
  ns_per_call: round(timeNs((i) => series[i & 3].record('ok', (i % 100) / 10_000))),
  ...base,
});

const units = [0, 120, 0, 30, 800, 50];
metrics.queueDepth.addSource((set) => {
  for (let s = 0; s < SPECS; s++) {
    for (const [status, name] of ['available', 'pending', 'finished', 'failed'].entries()) {
      set({ namespace: 'default', spec: `spec-${s}`, status: name }, units[status + 1]);
    }
  }
});
const scrapes = 20;
const started = performance.now();
let bytes = 0;
for (let i = 0; i < scrapes; i++) bytes = (await metrics.registry.metrics()).length;
print({
  bench: 'metrics',
  result: 'scrape',
  specs: SPECS,
  ms_per_scrape: round((performance.now() - started) / scrapes),
  bytes,
  node: process.version,
});
