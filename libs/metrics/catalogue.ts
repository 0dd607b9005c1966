import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CallFigures } from './call-figures.ts';

/** Seconds, from sub-millisecond store calls to minute-long jobs. */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const jobBuckets = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600];
/** Events in one group commit. */
const commitBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** Puts one sample of a gauge computed at scrape time. */
export type SetSample = (labels: Record<string, string>, value: number) => void;
export type SampleSource = (set: SetSample) => void;

/**
 * A gauge whose value is read from live state when scraped (queue depth, tasks per node): the hot
 * paths count nothing, and the services register a source that walks what they hold.
 */
export class ScrapedGauge {
  private readonly sources = new Set<SampleSource>();
  readonly gauge: Gauge;

  constructor(registry: Registry, name: string, help: string, labelNames: string[]) {
    const sources = this.sources;
    this.gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const set: SetSample = (labels, value) => this.set(labels, value);
        for (const source of sources) source(set);
      },
    });
  }

  /** Adds a source; the returned function removes it (when the service stops). */
  addSource(source: SampleSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }
}

/**
 * Every figure Passerine exports, in one registry per process. Services take the object from
 * their context and touch only the figures of their part; names are defined here alone.
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    /** Units per work spec and status, from the store replica that leads the namespace. */
    queueDepth: new ScrapedGauge(
      registry,
      'passerine_workqueue_units',
      'work units by namespace, work spec and status (from the leading store replica)',
      ['namespace', 'spec', 'status'],
    ),
    /** Work-queue operations answered by a store leader: `of(namespace, operation)`. */
    storeRequests: new CallFigures(registry, {
      counter: {
        name: 'passerine_store_requests_total',
        help: 'work-queue operations answered by a store leader, by operation and outcome (ok or the error code)',
      },
      histogram: {
        name: 'passerine_store_request_seconds',
        help: 'time from a work-queue request reaching the store leader to its answer (append included)',
      },
      labelNames: ['namespace', 'operation'],
      buckets: latencyBuckets,
    }),
    /** Calls at the gateway's edges: `of(edge, method)`. */
    gatewayCalls: new CallFigures(registry, {
      counter: {
        name: 'passerine_gateway_calls_total',
        help: 'calls at the gateway edges, by edge, method and outcome (ok or the error code)',
      },
      histogram: {
        name: 'passerine_gateway_call_seconds',
        help: 'time from a call arriving at a gateway edge to its answer being written',
      },
      labelNames: ['edge', 'method'],
      buckets: latencyBuckets,
    }),
    gatewayConnections: new Gauge({
      name: 'passerine_gateway_connections',
      help: 'client connections open at the gateway edges',
      labelNames: ['edge'],
      registers,
    }),
    gatewayConnectionsAccepted: new Counter({
      name: 'passerine_gateway_connections_accepted_total',
      help: 'client connections accepted at the gateway edges',
      labelNames: ['edge'],
      registers,
    }),
    refusals: new Counter({
      name: 'passerine_refusals_total',
      help: 'requests, connections and messages refused or dropped, by service and reason',
      labelNames: ['service', 'reason'],
      registers,
    }),
    schedulingDelaySeconds: new Histogram({
      name: 'passerine_scheduling_delay_seconds',
      help: 'time from a job being submitted to each of its tasks being launched on a node',
      buckets: jobBuckets,
      registers,
    }),
    jobResponseSeconds: new Histogram({
      name: 'passerine_job_response_seconds',
      help: 'time from a job being submitted to its end, by how it ended',
      labelNames: ['outcome'],
      buckets: jobBuckets,
      registers,
    }),
    nodeTasks: new ScrapedGauge(
      registry,
      'passerine_node_tasks',
      'tasks on each node monitor, running or queued (reservations waiting for a slot)',
      ['node', 'state'],
    ),
    leaderChanges: new Counter({
      name: 'passerine_store_leader_changes_total',
      help: 'namespace leaderships taken and given up by store replicas',
      labelNames: ['namespace', 'change'],
      registers,
    }),
    appendSeconds: new Histogram({
      name: 'passerine_eventlog_append_seconds',
      help: 'time from a group commit being sent to JetStream to its acknowledgement',
      buckets: latencyBuckets,
      registers,
    }),
    commitEvents: new Histogram({
      name: 'passerine_eventlog_commit_events',
      help: 'events in one group commit (one JetStream message)',
      buckets: commitBuckets,
      registers,
    }),
  };
}

export type PasserineMetrics = ReturnType<typeof createMetrics>;
