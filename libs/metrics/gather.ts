import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Names } from '@passerine/subjects';
import {
  AggregatorRegistry,
  Gauge,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Makes this process's registry part of the instance's figures: every process (each `passerine up`
 * or `serve`, each edge process or thread with a connection of its own) subscribes without a queue
 * group, so one gather request reaches them all and each answers with its figures as JSON.
 */
export function answerMetricsGather(nc: NatsConnection, names: Names, registry: Registry): Subscription {
  return nc.subscribe(names.metricsGather, {
    callback: (err, msg) => {
      if (err || !msg.reply) return;
      void registry.getMetricsAsJSON().then(
        (json) => {
          const bytes = encoder.encode(JSON.stringify(json));
          // A reply over the server's payload limit would be refused by NATS and read as silence;
          // an empty answer at least counts the process.
          const max = nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
          msg.respond(bytes.length <= max ? bytes : encoder.encode('[]'));
        },
        () => msg.respond(encoder.encode('[]')),
      );
    },
  });
}

export interface GatherOptions {
  /** Longest wait for answers (ms). */
  maxWaitMs?: number;
  /** Answers are taken as complete once none has come for this long after the last (ms). */
  stallMs?: number;
}

export interface InstanceMetrics {
  contentType: string;
  text: string;
  /** Processes whose figures are in the text. */
  processes: number;
}

/**
 * The whole instance's figures in the Prometheus text format: a scatter-gather request over NATS
 * (every process answers, see answerMetricsGather), merged by prom-client's aggregator. Counters
 * and histograms add up across processes; gauges too, which is right for Passerine's: each series
 * (a spec's units, a node's tasks, a gateway's connections) comes from the one process that holds it
 * or is a per-process part of an instance total. What 19a's HTTP server mounts at /metrics.
 */
export async function renderInstanceMetrics(
  nc: NatsConnection,
  names: Names,
  options: GatherOptions = {},
): Promise<InstanceMetrics> {
  const parts: MetricsJson[] = [];
  const answers = await nc.requestMany(names.metricsGather, undefined, {
    strategy: 'stall',
    maxWait: options.maxWaitMs ?? 2_000,
    stall: options.stallMs ?? 250,
  });
  for await (const msg of answers) {
    try {
      parts.push(JSON.parse(decoder.decode(msg.data)) as MetricsJson);
    } catch {
      // A process answering with something else is not one of ours; it is skipped, not fatal.
    }
  }
  const merged = AggregatorRegistry.aggregate(parts);
  const answered = new Gauge({
    name: 'passerine_instance_processes',
    help: 'Passerine processes whose figures this scrape gathered',
    registers: [merged],
  });
  answered.set(parts.length);
  return { contentType: merged.contentType, text: await merged.metrics(), processes: parts.length };
}
