import type { NatsConnection } from '@nats-io/transport-node';
import { WorkQueueClient } from '@passerine/client';
import { type Clock, type IdSource, type Logger, PacedLoop, UnavailableError } from '@passerine/core';
import type { NodeAdvert } from '@passerine/scheduling-protocol';
import {
  type ExecutableSpec,
  placeableSpecs,
  pumpedAttempts,
  roomFor,
  UNIT_JOB_USER_PREFIX,
  UnplaceableSpecs,
  unitTask,
  type Verdict,
  verdictOf,
} from '@passerine/executable-specs';
import type { Names } from '@passerine/subjects';
import { canonicalName, type StartedWork } from '@passerine/workqueue';
import { nameText } from '@passerine/workqueue-api';
import { readExecutableSpecs } from './executable-specs.ts';
import type { Scheduler } from './scheduler.ts';
import { releaseAdoptedJob } from './spec-pump-adopted.ts';
import { launchesNotAdvertised, PumpedJob, type PumpedUnit } from './spec-pump-job.ts';
import type { SpecPumpOptions } from './spec-pump-options.ts';
import { attemptGone, giveBack, heartbeat, renewLease, reportVerdict } from './spec-pump-store.ts';

export interface SpecPumpDeps {
  nc: NatsConnection;
  names: Names;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  /** This frontend's id; the pump is a Coordinate worker under it. */
  frontendId: string;
  /** This frontend's scheduler: batch sampling and late binding place the units' tasks. */
  scheduler: Pick<Scheduler, 'submit' | 'owned' | 'cancel'>;
  /** The node monitors this frontend sees. */
  nodes: () => readonly NodeAdvert[];
}

const MIN_IDLE_MS = 50;
/** How long after its scheduler let a job go the pump waits for the job's end notice (ms). */
const END_NOTICE_GRACE_MS = 10_000;

/**
 * Pumps the units of executable work specs (specs that name a runner) onto node monitors. It is a
 * Coordinate worker: it takes units with get_work naming those specs (so pull workers never get
 * them), as many as the free slots it sees can take, and submits each batch as one job through
 * its frontend's scheduler (batch sampling, late binding), a task per unit. It renews the units'
 * leases while their tasks run and finishes or fails each unit as its task ends, so pull workers
 * and node monitors share one queue and one attempt history. Several frontends pump at once;
 * get_work hands each unit out once.
 */
export class SpecPump {
  private readonly client: WorkQueueClient;
  private readonly jobs = new Map<string, PumpedJob>();
  private readonly reporting = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private specs: ExecutableSpec[] = [];
  private readonly unplaceable = new UnplaceableSpecs();
  private specsReadAt = Number.NEGATIVE_INFINITY;
  private readonly loop: PacedLoop;
  private stopped = false;

  constructor(
    private readonly deps: SpecPumpDeps,
    private readonly options: SpecPumpOptions,
  ) {
    // One try per call: the pump's back-off is the retry, and stop() is not held up by a wait.
    this.client = new WorkQueueClient(deps.nc, deps.names, { namespace: options.namespace, leaderWaitMs: 0 });
    this.loop = new PacedLoop(() => this.pumpOnceLogged(), MIN_IDLE_MS, options.maxIdleMs);
  }

  get workerId(): string {
    return `${this.deps.frontendId}/pump`;
  }

  /** Units taken and not yet reported to the store. */
  get inFlight(): number {
    let n = 0;
    for (const job of this.jobs.values()) n += job.open().length;
    return n;
  }

  start(): void {
    this.loop.start();
    this.timers.push(
      setInterval(() => void this.renew(), (this.options.leaseSeconds * 1000) / 3),
      setInterval(() => {
        for (const job of this.jobs.values()) this.settle(job);
      }, this.options.checkMs),
    );
  }

  /** Jobs this frontend adopted from dead ones: those running this namespace's units are released. */
  adopted(jobIds: readonly string[]): void {
    for (const jobId of jobIds) {
      const job = this.deps.scheduler.owned(jobId)?.job;
      const attempts = job && pumpedAttempts(job, this.options.namespace);
      if (!attempts) continue;
      const released = releaseAdoptedJob(
        this.deps.scheduler,
        this.client,
        jobId,
        attempts,
        this.deps.logger,
      ).finally(() => this.reporting.delete(released));
      this.reporting.add(released);
    }
  }

  /** A node monitor reported a task of this frontend: if it ran a pumped unit, the store hears now. */
  taskReported(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job) this.settle(job);
  }

  /**
   * Stops taking units, stops the tasks still running and hands their units back, so that another
   * frontend's pump takes them at once rather than when their leases run out.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.loop.stop();
    await Promise.allSettled(this.reporting);
    const handedBack: Promise<void>[] = [];
    for (const job of [...this.jobs.values()]) {
      await this.deps.scheduler.cancel(job.id, 'its frontend stopped').catch(() => undefined);
      for (const unit of job.open()) {
        unit.settled = true;
        if (!unit.lost) handedBack.push(giveBack(this.client, unit.started).catch(() => undefined));
      }
      this.close(job);
    }
    await Promise.allSettled(handedBack);
    await this.client.call('workerUnregister', { workerId: this.workerId }).catch(() => undefined);
  }

  private pumpOnceLogged(): Promise<number> {
    return this.pumpOnce().catch((err) => {
      // No store serving the namespace is an ordinary state (a frontend started alone), not news.
      const level = err instanceof UnavailableError ? 'debug' : 'warn';
      this.deps.logger[level]({ err, namespace: this.options.namespace }, 'pumping work specs failed');
      return 0;
    });
  }

  /** One get_work for as many units as the nodes have room for; returns how many it took. */
  private async pumpOnce(): Promise<number> {
    const now = this.deps.clock.now();
    if (now - this.specsReadAt >= this.options.specRefreshMs) {
      this.specs = await readExecutableSpecs(this.client, this.deps.logger);
      this.specsReadAt = now;
      if (this.specs.length > 0) await this.heartbeat();
    }
    const nodes = this.deps.nodes();
    const specs = placeableSpecs(this.specs, nodes);
    for (const spec of this.unplaceable.newlyUnplaceable(this.specs, specs, nodes.length)) {
      const { labels, resources } = spec.runner;
      this.deps.logger.warn(
        { namespace: this.options.namespace, spec: nameText(spec.name), labels, resources },
        'no live node monitor can run this work spec; its units wait until one can',
      );
    }
    if (specs.length === 0) return 0;
    const { unlaunched, launchedSinceAdvert } = launchesNotAdvertised(
      this.jobs.values(),
      (jobId) => this.deps.scheduler.owned(jobId)?.state,
      this.deps.clock.now(),
    );
    const room = Math.min(roomFor(specs, nodes, unlaunched, launchedSinceAdvert), this.options.maxBatch);
    if (room <= 0) return 0;
    const started = await this.client.call<'getWork', StartedWork[]>('getWork', {
      workerId: this.workerId,
      maxJobs: room,
      leaseSeconds: this.options.leaseSeconds,
      specs: specs.map((spec) => spec.name),
    });
    if (started.length > 0) await this.launch(started);
    return started.length;
  }

  /** Places one get_work batch as one job; units that cannot become a task fail at once. */
  private async launch(started: StartedWork[]): Promise<void> {
    const specId = canonicalName(started[0].work_spec_name);
    const spec = this.specs.find((s) => canonicalName(s.name) === specId);
    if (!spec) {
      for (const unit of started) await giveBack(this.client, unit, 1).catch(() => undefined);
      return;
    }
    const job = new PumpedJob(`pump-${this.deps.ids.next()}`, spec);
    this.jobs.set(job.id, job);
    const units = started.map((s) => job.add(s));
    if (this.stopped) return this.handBack(job, units, 0);
    const tasks = [];
    for (const unit of units) {
      try {
        tasks.push(unitTask(this.options.namespace, spec, unit.started, unit.taskId));
      } catch (err) {
        const traceback = `cannot run: ${(err as Error).message}`;
        this.report(job, unit, { kind: 'fail', data: unit.started.work_unit_data, traceback, final: true });
      }
    }
    if (tasks.length === 0) return this.close(job);
    job.follow(this.deps.nc, this.deps.names, () => this.settle(job));
    try {
      await this.deps.scheduler.submit({
        id: job.id,
        user: `${UNIT_JOB_USER_PREFIX}${nameText(spec.name)}`,
        // Retries are the spec's (max_retries, in the store), not the job's: a lost node fails the attempt.
        maxRetries: 0,
        labels: spec.runner.labels,
        ...(spec.runner.packing && { packing: spec.runner.packing }),
        ...(spec.runner.limit && { limit: spec.runner.limit }),
        tasks,
      });
    } catch (err) {
      this.deps.logger.warn({ err, jobId: job.id }, 'pumped units could not be placed; handed back');
      return this.handBack(job, job.open(), 1);
    }
    this.settle(job);
  }

  /** Reports each unit whose task has ended; the job is let go once every unit is reported. */
  private settle(job: PumpedJob): void {
    if (this.stopped) return;
    const owned = this.deps.scheduler.owned(job.id);
    const decided = job.endDecided(owned?.state, this.deps.clock.now(), END_NOTICE_GRACE_MS);
    const state = owned?.state ?? (job.ended ? undefined : decided);
    const status = state?.status ?? job.ended?.status;
    if (status === undefined) return;
    for (const unit of job.open()) {
      if (unit.lost) {
        unit.settled = true;
        continue;
      }
      const task = state ? state.tasks.get(unit.taskId) : job.ended?.tasks.get(unit.taskId);
      const verdict = verdictOf(unit, task, { status, reason: job.ended?.reason });
      if (verdict) this.report(job, unit, verdict);
    }
    if (job.open().length === 0) this.close(job);
  }

  private report(job: PumpedJob, unit: PumpedUnit, verdict: Verdict): void {
    unit.settled = true;
    job.runningSince.delete(unit.taskId);
    const sent: Promise<void> = reportVerdict(
      this.client,
      job.spec,
      unit.started,
      verdict,
      // Within the lease: a verdict that arrives after it ran out is refused anyway.
      (this.options.leaseSeconds * 1000) / 2,
      () => this.stopped,
    )
      .catch((err) => {
        // Typically the lease ran out while the store was unreachable: the unit is someone else's now.
        const level = attemptGone(err) ? 'info' : 'error';
        this.deps.logger[level](
          { err, attempt: unit.started.attempt_id },
          'the end of a pumped unit was not recorded',
        );
      })
      .finally(() => this.reporting.delete(sent));
    this.reporting.add(sent);
    // A slot is about to free: look for work now rather than at the end of a back-off.
    this.loop.nudge();
  }

  private handBack(job: PumpedJob, units: PumpedUnit[], delaySeconds: number): void {
    for (const unit of units) {
      unit.settled = true;
      giveBack(this.client, unit.started, delaySeconds).catch((err) =>
        this.deps.logger.warn(
          { err, attempt: unit.started.attempt_id },
          'unit not handed back; its lease will',
        ),
      );
    }
    this.close(job);
  }

  private close(job: PumpedJob): void {
    job.unfollow();
    this.jobs.delete(job.id);
  }

  /** Keeps the leases of running units; a job whose every unit the store took back is cancelled. */
  private async renew(): Promise<void> {
    void this.heartbeat();
    const jobs = [...this.jobs.values()];
    await Promise.all(
      jobs.map(async (job) => {
        await Promise.all(
          job.open().map((unit) =>
            renewLease(this.client, unit.started, this.options.leaseSeconds).catch((err) => {
              if (attemptGone(err)) unit.lost = true;
              else this.deps.logger.warn({ err, attempt: unit.started.attempt_id }, 'lease renewal failed');
            }),
          ),
        );
        if (this.stopped || job.open().some((unit) => !unit.lost)) return;
        await this.deps.scheduler.cancel(job.id, 'the store took its work units back').catch(() => undefined);
        this.settle(job);
      }),
    );
  }

  /** Keeps the worker known to the store; its attempts expire with it if this frontend dies. */
  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    await heartbeat(
      this.client,
      this.workerId,
      this.deps.frontendId,
      this.inFlight,
      this.options.leaseSeconds,
    ).catch((err) => this.deps.logger.debug({ err }, 'pump heartbeat failed'));
  }
}
