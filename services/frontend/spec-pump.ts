import type { NatsConnection } from '@nats-io/transport-node';
import { WorkQueueClient } from '@passerine/client';
import { type Logger, UnavailableError } from '@passerine/core';
import type { JobInput } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import { nameText } from '@passerine/workqueue-api';
import { awaitJob } from './client.ts';
import { type ExecutableSpec, readExecutableSpecs } from './executable-specs.ts';
import type { JobResult } from './job-result.ts';
import type { SubmitReply } from './scheduler.ts';
import { type StartedUnit, unitJob, withTraceback } from './unit-task.ts';

export interface SpecPumpOptions {
  /** The Coordinate namespace whose executable specs this pump serves. */
  namespace: string;
  /** Lease asked for each unit; renewed at a third of it while the unit's task runs (s). */
  leaseSeconds: number;
  /** How often the list of executable specs is read again (ms). */
  specRefreshMs: number;
  /** Longest wait between two get_work calls while there is nothing to do (ms). */
  maxIdleMs: number;
  /** Most units taken by one get_work. */
  maxBatch: number;
}

export const DEFAULT_PUMP_OPTIONS: Omit<SpecPumpOptions, 'namespace'> = {
  leaseSeconds: 60,
  specRefreshMs: 2_000,
  maxIdleMs: 1_000,
  maxBatch: 100,
};

export interface SpecPumpDeps {
  nc: NatsConnection;
  names: Names;
  logger: Logger;
  /** This frontend's id; the pump is a Coordinate worker under it. */
  workerId: string;
  /** Hands a job to this frontend's scheduler (batch sampling + late binding). */
  submit: (job: JobInput) => Promise<SubmitReply>;
  /** Slots of the node monitors this frontend sees; the pump never holds more units than this. */
  totalSlots: () => number;
}

/**
 * Moves the units of executable work specs from the store onto node monitors: a Coordinate worker
 * that takes units with get_work (naming the specs, so pull workers never get them), runs each as
 * a one-task job through its frontend, renews the unit's lease while it runs, and finishes or
 * fails the unit with the task's end. Pull workers and node monitors thus share one queue and
 * one attempt history. Several frontends pump at once; get_work hands each unit out once.
 */
export class SpecPump {
  private readonly client: WorkQueueClient;
  private readonly running = new Set<Promise<void>>();
  /** Stop ends the waits for running units; their leases then lapse and another pump retries them. */
  private readonly stopping = new AbortController();
  private specs: ExecutableSpec[] = [];
  private specsReadAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private wake: () => void = () => {};
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: SpecPumpDeps,
    private readonly options: SpecPumpOptions,
  ) {
    // A short wait for a store leader: with no store running the pump just tries again later.
    this.client = new WorkQueueClient(deps.nc, deps.names, { namespace: options.namespace, leaderWaitMs: 2_000 });
  }

  get workerId(): string {
    return `${this.deps.workerId}/pump`;
  }

  /** Units whose tasks this pump is running now. */
  get inFlight(): number {
    return this.running.size;
  }

  start(): void {
    this.loop = this.run();
  }

  /** Stops taking units; units already running are left to their leases (another pump retries them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.wake();
    // A store call in flight is not waited for; units it may still hand out are not started and
    // go back to the queue when their lease runs out.
    await this.untilStopped(this.loop);
  }

  private async run(): Promise<void> {
    let idleMs = 50;
    while (!this.stopped) {
      const took = await this.pumpOnce().catch((err) => {
        // No store serving the namespace is an ordinary state (a frontend started alone), not news.
        const level = err instanceof UnavailableError ? 'debug' : 'warn';
        this.deps.logger[level]({ err, namespace: this.options.namespace }, 'pumping work specs failed');
        return 0;
      });
      idleMs = took > 0 ? 50 : Math.min(idleMs * 2, this.options.maxIdleMs);
      if (took === 0) await this.sleep(idleMs);
    }
  }

  /** One get_work for as many units as there are slots to spare; returns how many it took. */
  private async pumpOnce(): Promise<number> {
    if (Date.now() - this.specsReadAt >= this.options.specRefreshMs) {
      this.specs = await readExecutableSpecs(this.client, this.deps.logger);
      this.specsReadAt = Date.now();
      if (this.specs.length > 0) await this.heartbeat();
    }
    const room = Math.min(this.options.maxBatch, this.deps.totalSlots() - this.running.size);
    if (this.specs.length === 0 || room <= 0) return 0;
    const units = await this.client.call<'getWork', StartedUnit[]>('getWork', {
      workerId: this.workerId,
      maxJobs: room,
      leaseSeconds: this.options.leaseSeconds,
      specs: this.specs.map((spec) => spec.name),
    });
    if (this.stopped) return 0;
    for (const unit of units) this.track(this.runUnit(unit));
    return units.length;
  }

  /** Keeps the worker known to the store; its attempts expire with it if this frontend dies. */
  private heartbeat(): Promise<unknown> {
    return this.client.call('workerHeartbeat', {
      workerId: this.workerId,
      mode: 'RUN',
      expireSeconds: this.options.leaseSeconds,
    });
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => {
      this.running.delete(work);
      this.wake();
    });
  }

  private async runUnit(unit: StartedUnit): Promise<void> {
    const spec = this.specs.find((s) => nameText(s.name) === nameText(unit.work_spec_name));
    if (!spec) return this.endAttempt(unit, undefined, { reason: 'the work spec no longer names a runner', final: true });
    const job = unitJob(this.options.namespace, spec, unit);
    const renewEveryMs = (this.options.leaseSeconds * 1000) / 3;
    const renewal = setInterval(() => void this.renew(unit), renewEveryMs);
    try {
      const reply = await this.deps.submit(job);
      const result = reply.result ?? (await this.untilStopped(awaitJob(this.deps.nc, this.deps.names, reply.jobId, MAX_WAIT_MS)));
      if (result) await this.endAttempt(unit, spec, failureOf(result));
    } catch (err) {
      if (!this.stopped) await this.endAttempt(unit, spec, { reason: `could not run the unit: ${(err as Error).message}` });
    } finally {
      clearInterval(renewal);
    }
  }

  private untilStopped<T>(work: Promise<T>): Promise<T | undefined> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(undefined);
    let onStop = () => {};
    const stopped = new Promise<undefined>((resolve) => {
      onStop = () => resolve(undefined);
      signal.addEventListener('abort', onStop, { once: true });
    });
    return Promise.race([work, stopped]).finally(() => signal.removeEventListener('abort', onStop));
  }

  private async renew(unit: StartedUnit): Promise<void> {
    await this.client
      .call('renewAttempt', { attemptId: unit.attempt_id, leaseSeconds: this.options.leaseSeconds })
      .catch((err) => this.deps.logger.warn({ err, attempt: unit.attempt_id }, 'lease renewal failed'));
  }

  /**
   * Finishes the unit, or after a failure retries it while the spec's max_retries allows (the store
   * fails it past that). A cancelled job or a spec that lost its runner fails the unit at once.
   */
  private async endAttempt(unit: StartedUnit, spec: ExecutableSpec | undefined, failure?: Failure): Promise<void> {
    const attemptId = unit.attempt_id;
    const retry = spec !== undefined && spec.maxRetries > 0 && !failure?.final;
    const call =
      failure === undefined
        ? this.client.call('finishAttempt', { attemptId })
        : this.client.call(retry ? 'retryAttempt' : 'failAttempt', {
            attemptId,
            data: withTraceback(unit.work_unit_data, failure.reason),
          });
    await call.catch((err) =>
      // Typically the lease ran out while the store was unreachable: the unit is someone else's now.
      this.deps.logger.warn({ err, attempt: attemptId }, 'could not record the end of a pumped unit'),
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** The longest a unit's job is awaited; its lease, renewed meanwhile, is what really bounds it. */
const MAX_WAIT_MS = 2 ** 31 - 1;

interface Failure {
  /** Goes into the unit's traceback. */
  reason: string;
  /** No retry, whatever max_retries says. */
  final?: boolean;
}

/** Why the unit's task did not finish, or undefined when it did. */
function failureOf(result: JobResult): Failure | undefined {
  const task = result.tasks[0];
  if (result.status === 'completed' && task?.status === 'finished') return undefined;
  if (result.status === 'cancelled') {
    return { reason: `job ${result.jobId} was cancelled${result.reason ? `: ${result.reason}` : ''}`, final: true };
  }
  const exit = task?.exitCode === undefined || task.exitCode === null ? '' : ` with exit status ${task.exitCode}`;
  return { reason: `task ${task?.status ?? 'failed'}${exit}${task?.error ? `: ${task.error}` : ''} (job ${result.jobId})` };
}
