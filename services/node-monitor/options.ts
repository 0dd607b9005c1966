import { availableParallelism } from 'node:os';
import { ValidationError } from '@passerine/core';
import { type Labels, type QueuePolicyName, type Resources, resources } from '@passerine/scheduling';
import type { MessageCounter } from '@passerine/scheduling-protocol';
import type { TaskRunner } from './task-runner.ts';

export interface NodeMonitorOptions {
  /** Defaults to a fresh id. */
  id?: string;
  slots: number;
  /** What the node offers in total; unbounded dimensions when omitted. */
  resources?: Partial<Resources>;
  labels?: Labels;
  policy?: QueuePolicyName;
  /** Per-user weights under the `fair` policy. */
  weights?: Record<string, number>;
  /** How often the advert (and with it the lease on every running attempt) is renewed (ms). */
  heartbeatMs?: number;
  /** getTask round trips that take longer count as "no task" (ms). */
  getTaskTimeoutMs?: number;
  /** Deadline for tasks that set none themselves (ms); none when omitted. */
  taskTimeoutMs?: number;
  /** Output lines one attempt sends to the logs stream. */
  maxOutputLines?: number;
  /** Output lines held unacknowledged by the logs stream, across the node's tasks. */
  logBufferLines?: number;
  /** How long an unacknowledged batch of output lines is retried (ms). */
  logRetryMs?: number;
  /** How long a task's end waits for its last output lines to be acknowledged (ms). */
  logFlushMs?: number;
  /** How long a hold on a key budget lasts unless renewed (ms); the node renews at each heartbeat. */
  keyLeaseMs?: number;
  /** Reservations beyond this many units are refused, so a flood cannot exhaust memory. */
  maxQueuedReservations?: number;
  /** How long a task report is retried while its frontend is away (ms). */
  reportDeadlineMs?: number;
  /**
   * A report carried on a getTask or in a batch and not acknowledged this long after is sent again
   * as a taskEnded request (ms).
   */
  reportAckTimeoutMs?: number;
  /** Pool of the external workers this node hands opaque payloads to (default: its id). */
  workerPool?: string;
  workerTimeoutMs?: number;
  /** Worker threads kept warm for function tasks; default: the slots, at most the machine's cores. */
  functionWorkers?: number;
  /** Where batch runs' artifacts are cached (default `./.passerine/artifacts`), and its bound in MiB. */
  artifactCacheDir?: string;
  artifactCacheMb?: number;
  /** Replaces the default runner (shell, function, docker, sleep, external worker). */
  runner?: TaskRunner;
  counter?: MessageCounter;
}

const UNBOUNDED = 1e12;

export interface ResolvedNodeOptions {
  slots: number;
  capacity: Resources;
  labels: Labels;
  policy: QueuePolicyName;
  weights: Record<string, number>;
  heartbeatMs: number;
  getTaskTimeoutMs: number;
  taskTimeoutMs?: number;
  maxOutputLines: number;
  logBufferLines: number;
  logRetryMs: number;
  logFlushMs: number;
  keyLeaseMs: number;
  maxQueuedReservations: number;
  reportDeadlineMs: number;
  reportAckTimeoutMs: number;
  workerTimeoutMs: number;
  functionWorkers: number;
}

export function resolveNodeOptions(options: NodeMonitorOptions): ResolvedNodeOptions {
  if (!Number.isInteger(options.slots) || options.slots < 1) {
    throw new ValidationError('slots must be an integer >= 1', { field: 'slots', value: options.slots });
  }
  const given = options.resources ?? {};
  const capacity = resources({
    cpus: given.cpus ?? UNBOUNDED,
    memMb: given.memMb ?? UNBOUNDED,
    diskMb: given.diskMb ?? UNBOUNDED,
  });
  return {
    slots: options.slots,
    capacity,
    labels: options.labels ?? {},
    policy: options.policy ?? 'fifo',
    weights: options.weights ?? {},
    heartbeatMs: options.heartbeatMs ?? 1_000,
    getTaskTimeoutMs: options.getTaskTimeoutMs ?? 2_000,
    taskTimeoutMs: options.taskTimeoutMs,
    maxOutputLines: options.maxOutputLines ?? 10_000,
    logBufferLines: options.logBufferLines ?? 100_000,
    logRetryMs: options.logRetryMs ?? 60_000,
    logFlushMs: options.logFlushMs ?? 2_000,
    keyLeaseMs: options.keyLeaseMs ?? 10_000,
    maxQueuedReservations: options.maxQueuedReservations ?? 100_000,
    reportDeadlineMs: options.reportDeadlineMs ?? 60_000,
    reportAckTimeoutMs: options.reportAckTimeoutMs ?? 1_000,
    workerTimeoutMs: options.workerTimeoutMs ?? 3_600_000,
    functionWorkers: options.functionWorkers ?? Math.min(options.slots, availableParallelism()),
  };
}
