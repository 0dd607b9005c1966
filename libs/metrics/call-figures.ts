import type { Registry } from 'prom-client';

/** One label combination's figures: calls by outcome, and their latency histogram. */
export class CallSeries {
  readonly outcomes = new Map<string, number>();
  /** Per bucket, the calls that fell in it alone (cumulated when scraped). */
  readonly inBucket: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.inBucket = new Float64Array(bounds.length + 1);
  }

  record(outcome: string, seconds: number): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]) i++;
    this.inBucket[i]++;
    this.sum += seconds;
    this.count++;
  }
}

export interface CallFiguresOptions {
  /** The counter of calls by outcome (…_total) and the histogram of their seconds. */
  counter: { name: string; help: string };
  histogram: { name: string; help: string };
  labelNames: readonly string[];
  buckets: readonly number[];
}

type Value = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * Calls by labels and outcome, and their latency, counted by hand and handed to prom-client as two
 * metrics of its registry when scraped. prom-client's own counters and histograms hash a label
 * object on every inc and observe, microseconds a call on the gateway's and the store's hot paths
 * (bench:metrics); a caller here holds its series and pays a map update and a bucket search.
 */
export class CallFigures {
  private readonly series = new Map<string, CallSeries>();

  constructor(
    registry: Registry,
    private readonly o: CallFiguresOptions,
  ) {
    const all = () => [...this.series.values()];
    registry.registerMetric(
      scraped(o.counter.name, o.counter.help, 'counter', () =>
        all().flatMap((s) =>
          [...s.outcomes].map(([outcome, value]) => ({ labels: { ...s.labels, outcome }, value })),
        ),
      ) as never,
    );
    registry.registerMetric(
      scraped(o.histogram.name, o.histogram.help, 'histogram', () =>
        all().flatMap((s) => histogramValues(o, s)),
      ) as never,
    );
  }

  /** The series of these label values (in labelNames' order); hold it rather than looking it up per call. */
  of(...values: string[]): CallSeries {
    const key = values.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels: Record<string, string> = {};
      this.o.labelNames.forEach((name, i) => {
        labels[name] = values[i] ?? '';
      });
      series = new CallSeries(labels, this.o.buckets);
      this.series.set(key, series);
    }
    return series;
  }
}

function histogramValues(o: CallFiguresOptions, s: CallSeries): Value[] {
  const out: Value[] = [];
  let cumulated = 0;
  o.buckets.forEach((le, i) => {
    cumulated += s.inBucket[i];
    out.push({ metricName: `${o.histogram.name}_bucket`, labels: { ...s.labels, le }, value: cumulated });
  });
  out.push({ metricName: `${o.histogram.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
  out.push({ metricName: `${o.histogram.name}_sum`, labels: s.labels, value: s.sum });
  out.push({ metricName: `${o.histogram.name}_count`, labels: s.labels, value: s.count });
  return out;
}

/** A metric in the shape prom-client's registry reads (and its aggregator merges: summed). */
function scraped(name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
  };
}
