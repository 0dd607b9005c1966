import { ValidationError } from '@passerine/core';
import type { BatchOperation, FrontendOperation, JobOperation, NodeMonitorOperation } from './operations.ts';
import { encodeToken } from './token.ts';

/**
 * The one place that names subjects, streams, buckets and consumers. Everything hangs off a prefix
 * so that tests (and several Passerine installations on one NATS) never see each other's traffic.
 */
export interface Names {
  readonly prefix: string;
  /** Event stream holding every commit. */
  readonly eventStream: string;
  /** Filter matching every event subject. */
  readonly allEvents: string;
  /** Log stream holding task output lines. */
  readonly logStream: string;
  /** Every KV and object store bucket below, for what covers them all (NATS permissions). */
  readonly buckets: readonly string[];
  /** Object store of projection snapshots. */
  readonly snapshotBucket: string;
  /** Object store of the event history compaction moved out of the event stream. */
  readonly archiveBucket: string;
  /** KV bucket of leases for leadership (one key per led partition). */
  readonly leaderBucket: string;
  /** KV bucket listing the work-queue namespaces that exist (store replicas watch it). */
  readonly namespaceBucket: string;
  /** KV bucket where node monitors advertise themselves. */
  readonly nodeBucket: string;
  /** KV bucket of nodes taken out of service (key: node id). */
  readonly cordonBucket: string;
  /** KV bucket where frontends advertise themselves. */
  readonly frontendBucket: string;
  /** KV bucket where replicas announce the event versions they read (the version gate). */
  readonly versionBucket: string;
  /** Events of one work spec of a namespace (units, attempts). */
  workSpecEvents(namespace: string | Uint8Array, spec: string | Uint8Array): string;
  /** Events about a namespace itself (specs created/deleted, workers). */
  namespaceEvents(namespace: string | Uint8Array): string;
  /** Filter for every work-queue event of a namespace. */
  namespaceFilter(namespace: string | Uint8Array): string;
  /** Events of one scheduled job. */
  jobEvents(jobId: string): string;
  /** Filter for every job event. */
  allJobEvents: string;
  /** Batch job definitions and data sets, as registered by `passerine jobs apply` (one subject, fenced). */
  readonly batchDefinitions: string;
  /** Announced partitions of data sets. */
  readonly batchDatasets: string;
  /** Admission decisions of one job definition's runs (fenced: each tick or partition decided once). */
  batchAdmissions(job: string): string;
  /** What became of one job definition's runs (attempts submitted, retried, ended). */
  batchOutcomes(job: string): string;
  /** Filter matching every batch event (definitions, data sets, runs). */
  readonly allBatchEvents: string;
  /** Requests the dispatchers answer (queue group). */
  batchRpc(operation: BatchOperation): string;
  /** Object store of artifact bundles, one object per content digest. */
  readonly artifactObjects: string;
  /** KV bucket of artifact versions: `name.version` → the digest and file name. */
  readonly artifactVersions: string;
  /** Free-form events, for tests and tools. */
  customEvents(...tokens: (string | Uint8Array)[]): string;
  /** The request subject of a work-queue operation in a namespace. */
  workQueueRpc(namespace: string | Uint8Array, operation: string): string;
  /** Asks the store replicas to open (create and elect a leader for) a namespace. */
  readonly openNamespace: string;
  /** Job submission (served by every frontend in one queue group). */
  readonly submitJob: string;
  /** Job control (watch/cancel/status) for any frontend. */
  jobRpc(operation: JobOperation): string;
  /** Messages to one node monitor (reserve, cancel). */
  nodeMonitor(nodeId: string, operation: NodeMonitorOperation): string;
  /** getTask and other messages to one frontend. */
  frontend(frontendId: string, operation: FrontendOperation): string;
  /** Task subject external workers subscribe to. */
  workerTasks(pool: string): string;
  /**
   * Where a task's output lines go: under its job, and for a task that runs a work unit also under
   * the unit's spec and key bucket, so that one message is found by job and by unit.
   */
  taskLogs(jobId: string, unit?: LogUnitName): string;
  /** Filter matching the output lines of one job's tasks. */
  jobLogs(jobId: string): string;
  /** Filter matching the output lines of every run of one work unit (and of the others in its key bucket). */
  unitLogs(unit: LogUnitName): string;
  /** Filter matching every output line (the log stream's subjects). */
  readonly allLogs: string;
  /** KV bucket of per-key concurrency and rate budgets (one entry per key). */
  readonly keyLimitBucket: string;
  /** KV bucket of the idempotency keys of job submits (one entry per user and key). */
  readonly jobKeyBucket: string;
  /** Completion notices of a job, for watchers. */
  jobWatch(jobId: string): string;
  /** Filter matching the completion notices of every job. */
  readonly allJobWatch: string;
  /** Every Passerine process answers here with its metrics; the gateway gathers them (no queue group). */
  readonly metricsGather: string;
  /** Queue group names. */
  queueGroup(service: string): string;
  /** Durable consumer names. */
  consumer(purpose: string): string;
}

/** A work unit, as its log subjects name it. */
export interface LogUnitName {
  namespace: string | Uint8Array;
  spec: string | Uint8Array;
  key: string | Uint8Array;
}

/**
 * Unit keys are unbounded in number and subjects must not be: a unit's lines go to one of this
 * many buckets of its spec, chosen by a hash of its key, and a reader filters the bucket by key.
 */
export const UNIT_LOG_BUCKETS = 64;

/** FNV-1a over the key's bytes: stable across processes and versions, which is all a bucket needs. */
export function unitLogBucket(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % UNIT_LOG_BUCKETS;
}

const PREFIX = /^[a-z][a-z0-9_-]{0,31}$/;

export function createNames(prefix = 'psr'): Names {
  if (!PREFIX.test(prefix)) {
    throw new ValidationError(
      `prefix ${JSON.stringify(prefix)} must be 1-32 lower-case letters, digits, - or _`,
    );
  }
  const upper = prefix.toUpperCase().replace(/-/g, '_');
  const t = encodeToken;
  // Every KV and object store bucket, in one place, so `buckets` lists them all.
  const stores = {
    snapshotBucket: `${upper}_SNAPSHOTS`,
    archiveBucket: `${upper}_ARCHIVE`,
    leaderBucket: `${upper}_LEADERS`,
    namespaceBucket: `${upper}_NAMESPACES`,
    nodeBucket: `${upper}_NODES`,
    frontendBucket: `${upper}_FRONTENDS`,
    versionBucket: `${upper}_EVENT_VERSIONS`,
    cordonBucket: `${upper}_CORDONS`,
    artifactObjects: `${upper}_ARTIFACTS`,
    artifactVersions: `${upper}_ARTIFACT_VERSIONS`,
    keyLimitBucket: `${upper}_KEY_LIMITS`,
    jobKeyBucket: `${upper}_JOB_KEYS`,
  };
  return {
    prefix,
    ...stores,
    buckets: Object.values(stores),
    eventStream: `${upper}_EVENTS`,
    allEvents: `${prefix}.ev.>`,
    logStream: `${upper}_LOGS`,
    workSpecEvents: (ns, spec) => `${prefix}.ev.wq.${t(ns)}.spec.${t(spec)}`,
    namespaceEvents: (ns) => `${prefix}.ev.wq.${t(ns)}.ns`,
    namespaceFilter: (ns) => `${prefix}.ev.wq.${t(ns)}.>`,
    jobEvents: (jobId) => `${prefix}.ev.job.${t(jobId)}`,
    allJobEvents: `${prefix}.ev.job.*`,
    batchDefinitions: `${prefix}.ev.batch.defs`,
    batchDatasets: `${prefix}.ev.batch.data`,
    batchAdmissions: (job) => `${prefix}.ev.batch.admit.${t(job)}`,
    batchOutcomes: (job) => `${prefix}.ev.batch.outcome.${t(job)}`,
    allBatchEvents: `${prefix}.ev.batch.>`,
    batchRpc: (op) => `${prefix}.rpc.batch.${t(op)}`,
    customEvents: (...tokens) => `${prefix}.ev.x.${tokens.map((x) => t(x)).join('.')}`,
    workQueueRpc: (ns, op) => `${prefix}.rpc.wq.${t(ns)}.${t(op)}`,
    openNamespace: `${prefix}.rpc.wq-open`,
    submitJob: `${prefix}.rpc.sched.submit`,
    jobRpc: (op) => `${prefix}.rpc.sched.${t(op)}`,
    nodeMonitor: (nodeId, op) => `${prefix}.nm.${t(nodeId)}.${t(op)}`,
    frontend: (frontendId, op) => `${prefix}.fe.${t(frontendId)}.${t(op)}`,
    workerTasks: (pool) => `${prefix}.tasks.${t(pool)}`,
    taskLogs: (jobId, unit) =>
      unit
        ? `${prefix}.log.${t(jobId)}.unit.${t(unit.namespace)}.${t(unit.spec)}.${unitLogBucket(unit.key)}`
        : `${prefix}.log.${t(jobId)}.task`,
    jobLogs: (jobId) => `${prefix}.log.${t(jobId)}.>`,
    unitLogs: (unit) =>
      `${prefix}.log.*.unit.${t(unit.namespace)}.${t(unit.spec)}.${unitLogBucket(unit.key)}`,
    allLogs: `${prefix}.log.>`,
    jobWatch: (jobId) => `${prefix}.watch.${t(jobId)}`,
    allJobWatch: `${prefix}.watch.*`,
    metricsGather: `${prefix}.metrics.gather`,
    queueGroup: (service) => `${prefix}-${service}`,
    consumer: (purpose) => `${prefix}-${t(purpose)}`,
  };
}
