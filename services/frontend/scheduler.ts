import type { NatsConnection } from '@nats-io/transport-node';
import { type Clock, type IdSource, IllegalStateError, type Logger, PasserineError } from '@passerine/core';
import {
  acknowledgeSubmit,
  answerOffers,
  answerSlot,
  cancelOwnedJob,
  declineSlot,
  decide,
  dropJob,
  endTask,
  evolve,
  expireJobTasks,
  Handling,
  initialSchedulerState,
  type JobResult,
  type JobSpec,
  type JobState,
  jobResult,
  nodeLost,
  type OwnedJob,
  type PlacementMode,
  parseJob,
  type Random,
  releaseJob,
  replaceStarved,
  type SchedulerContext,
  scheduleJob,
  seekRoom,
  stopScheduling,
  takeAdopted,
  unrecordedRunsStop,
} from '@passerine/scheduling';
import {
  type GetTaskReply,
  type GetTaskRequest,
  type MessageCounter,
  type NodeAdvert,
  type SubmitReply,
  type TaskEndedReport,
  validLoad,
  validOfferAnswer,
} from '@passerine/scheduling-protocol';
import { inSpan, type PasserineMetrics, tracingEnabled } from '@passerine/metrics';
import type { Names } from '@passerine/subjects';
import type { KeyBudgets } from '@passerine/key-limits';
import type { JobWriter } from './job-writer.ts';
import type { MembershipView } from '@passerine/scheduling-protocol';
import { JobTimers } from './job-timers.ts';
import { JobTraces } from './job-traces.ts';
import { Reservations, STOP_ANSWER_TIMEOUT_MS } from './reservations.ts';
import { SchedulerEffects } from './scheduler-effects.ts';

export interface SchedulerDeps {
  frontendId: string;
  nc: NatsConnection;
  names: Names;
  writer: JobWriter;
  nodes: MembershipView<NodeAdvert>;
  placement: PlacementMode;
  random: Random;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  counter: MessageCounter;
  metrics: PasserineMetrics;
  maxActiveJobs: number;
  /** See FrontendOptions.lendAfterMs. */
  lendAfterMs: number;
  /** See FrontendOptions.nodeWaitMs. */
  nodeWaitMs: number;
  /** The cluster's key budgets, which jobs naming a `limit` draw on. */
  budgets: KeyBudgets;
  /** See FrontendOptions.keyWaitMs. */
  keyWaitMs: number;
}

/**
 * The jobs one frontend owns, and what happens to them: submission, getTask from a node monitor,
 * answers to launch offers, a task's end, cancellation, loss of a node, adoption. Each call checks
 * what came, has libs/scheduling decide it against the scheduler's state (which changes only by
 * the scheduler's evolve), sends and appends what was decided (SchedulerEffects), and answers.
 */
export class Scheduler {
  private readonly context: SchedulerContext;
  private readonly handling: Handling;
  private readonly effects: SchedulerEffects;
  private readonly reservations: Reservations;
  private readonly times: JobTimers;
  private readonly traces = new JobTraces();

  constructor(private readonly deps: SchedulerDeps) {
    const { clock, ids } = deps;
    this.context = {
      frontendId: deps.frontendId,
      placement: deps.placement,
      lendAfterMs: deps.lendAfterMs,
      maxActiveJobs: deps.maxActiveJobs,
      nodes: deps.nodes,
      now: () => clock.now(),
      nextId: () => ids.next(),
      random: deps.random,
    };
    this.handling = new Handling(initialSchedulerState(), this.context);
    const reservations = new Reservations(deps.nc, deps.names, deps.frontendId, deps.counter);
    this.reservations = reservations;
    this.effects = new SchedulerEffects({ ...deps, reservations, traces: this.traces });
    this.times = new JobTimers(() => clock.now(), {
      release: (jobId) => {
        releaseJob(this.handling, jobId);
        this.act('job events not recorded');
      },
      expire: (jobId) => {
        expireJobTasks(this.handling, jobId);
        this.act('job events not recorded');
      },
    });
  }

  get activeJobs(): number {
    return this.handling.state.jobs.size;
  }

  owned(jobId: string): OwnedJob | undefined {
    return this.handling.state.jobs.get(jobId);
  }

  /** Every job this frontend schedules, its own and adopted ones. */
  ownedJobs(): Iterable<OwnedJob> {
    return this.handling.state.jobs.values();
  }

  /** Resolves once the job is durable (a job without tasks: once it completed). */
  submit(input: unknown): Promise<SubmitReply> {
    return this.submitJob(() => parseJob(input, this.deps.clock.now()));
  }

  /** As submit, for a job already checked (`job` is called inside, so a refusal is counted). */
  async submitJob(job: () => JobSpec): Promise<SubmitReply> {
    try {
      if (!tracingEnabled()) return await this.admit(job());
      return await inSpan('job submit', { 'passerine.frontend': this.deps.frontendId }, () =>
        this.admit(job()),
      );
    } catch (err) {
      const code = err instanceof PasserineError ? err.code : 'internal';
      this.deps.metrics.refusals.inc({ service: 'frontend', reason: `job_${code}` });
      throw err;
    }
  }

  private async admit(job: JobSpec): Promise<SubmitReply> {
    // With no node known yet (a cluster starting), the job waits a while for one rather than
    // being refused; checkPlaceable then judges it against the nodes that came.
    if (job.tasks.length > 0 && this.deps.nodes.live().length === 0)
      await this.deps.nodes.whenAny(this.deps.nodeWaitMs);
    const owned = scheduleJob(this.handling, job);
    this.traces.begin(job.id);
    this.deps.writer.begin(job.id, 0);
    try {
      await this.act();
    } catch (err) {
      dropJob(this.handling, owned);
      this.act('job events not recorded');
      if ((err as { code?: string }).code === 'concurrency') {
        throw new IllegalStateError(`job ${job.id} already exists`, { field: 'id' });
      }
      throw err;
    }
    if (job.tasks.length === 0)
      return { jobId: job.id, status: 'completed', result: jobResult(job.id, owned.state) };
    acknowledgeSubmit(this.handling, owned);
    this.act('job events not recorded');
    this.times.arm(owned);
    return { jobId: job.id, status: owned.state.status === 'waiting' ? 'waiting' : 'accepted' };
  }

  /**
   * A node monitor's reservation reached a slot: the task it launches, or "no task". A job that
   * names a key budget first takes a hold on it (waiting a little for room); without one the slot
   * goes back unused. The hold travels with the task: the node renews it while the task runs and
   * releases it at the end, so a frontend that dies leaves no hold behind that outlives a lease.
   */
  async getTask(request: GetTaskRequest): Promise<GetTaskReply> {
    const load = validLoad(request.load);
    const limit = this.owned(request.jobId)?.job.limit;
    if (!limit) {
      const launch = answerSlot(this.handling, request, load);
      this.act('job events not recorded');
      return launch;
    }
    const hold = { key: limit.key, holdId: `${this.deps.frontendId}.${this.deps.ids.next()}` };
    const held = await this.deps.budgets
      .take(hold.key, limit, hold.holdId, this.deps.keyWaitMs)
      .catch((err: unknown) => {
        this.deps.logger.warn({ err, key: hold.key }, 'key budget unreachable; slot declined');
        return false;
      });
    if (!held) {
      declineSlot(this.handling, request, load);
      this.act('job events not recorded');
      return null;
    }
    const launch = answerSlot(this.handling, request, load);
    this.act('job events not recorded');
    // Lending never hands a budgeted job's slot to another budgeted job, so a launch of another
    // job (or none) does not need the hold.
    if (launch?.jobId === request.jobId) return { ...launch, hold };
    void this.deps.budgets.release(hold.key, [hold.holdId]).catch(() => undefined);
    return launch;
  }

  /** A node monitor's answer to launch offers; a malformed one is logged and dropped. */
  offersAnswered(answer: unknown): void {
    const valid = validOfferAnswer(answer);
    if (!valid) {
      this.deps.logger.warn({ answer }, 'malformed launch offer answer dropped');
      return;
    }
    answerOffers(this.handling, valid, validLoad(valid.load));
    this.act('job events not recorded');
  }

  /** Records a task's end; resolves once that is durable, so the node monitor may forget it. */
  async taskEnded(report: TaskEndedReport): Promise<void> {
    const trace = this.traces.of(report.jobId);
    endTask(this.handling, report, validLoad(report.load));
    await this.act();
    if (trace) this.traces.reported(trace, report, this.deps.clock.now());
  }

  async cancel(jobId: string, reason = 'cancelled'): Promise<JobResult> {
    const owned = cancelOwnedJob(this.handling, jobId, reason);
    await this.act();
    return jobResult(jobId, owned.state, owned.timings, reason);
  }

  /** A node monitor joined (or left): tasks waiting for room may fit now. */
  nodesChanged(): void {
    seekRoom(this.handling);
    this.act('job events not recorded');
  }

  /** A node monitor died: its attempts are retried elsewhere (or fail once retries are used up). */
  nodeLost(nodeId: string): void {
    nodeLost(this.handling, nodeId);
    this.act('node loss not recorded');
  }

  /** Takes over a job whose frontend died: fenced on what was read, so only one frontend wins. */
  async adopt(state: JobState, lastSeq: number): Promise<boolean> {
    const job = state.job!;
    const events = decide({ type: 'AdoptJob' }, state, this.context);
    // Fenced on the sequence read: of frontends adopting at once, one append lands.
    this.deps.writer.begin(job.id, lastSeq);
    try {
      await this.deps.writer.append(job.id, events);
    } catch (err) {
      this.deps.writer.forget(job.id);
      this.deps.logger.info({ err, jobId: job.id }, 'job not adopted (written meanwhile)');
      return false;
    }
    for (const event of events) evolve(state, event);
    const live = this.context.nodes.live().map((node) => node.id);
    const stop = unrecordedRunsStop(state, live);
    if (stop) await this.reservations.stopUnrecorded(job.id, stop, STOP_ANSWER_TIMEOUT_MS);
    const owned = takeAdopted(this.handling, state);
    this.act('node loss not recorded');
    this.times.arm(owned);
    return true;
  }

  /** Re-places the waiting tasks of jobs that have made no progress for a while (lost reservations). */
  replaceStarved(olderThanMs: number): void {
    replaceStarved(this.handling, olderThanMs);
    this.act('job events not recorded');
  }

  /** Stops scheduling; reservations already sent answer "no task" from then on. */
  close(): void {
    this.times.clear();
    stopScheduling(this.handling);
    this.act('job events not recorded');
  }

  /** Acts on what the command just handled decided (see SchedulerEffects.perform). */
  private act(unwaited?: string): Promise<unknown> | undefined {
    return this.effects.perform(this.handling.take(), unwaited);
  }
}
