import type { NatsConnection } from '@nats-io/transport-node';
import {
  type Clock,
  encode,
  type IdSource,
  IllegalStateError,
  type Logger,
  NotFoundError,
  UnavailableError,
} from '@passerine/core';
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
import {
  checkPlaceable,
  decide,
  evolve,
  initialJobState,
  type JobResult,
  jobResult,
  type JobEvent,
  type JobState,
  LateBinding,
  parseJob,
  type Random,
} from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import type { JobWriter } from './job-writer.ts';
import type { MembershipView } from './membership-view.ts';
import { type OwnedJob, ownedJob, tasksWithStatus } from './owned-job.ts';
import { JobPlacer } from './job-placer.ts';
import { LaunchOffers } from './launch-offers.ts';
import { NodeLoads } from './node-loads.ts';
import type { PlacementMode } from './placement.ts';
import { Reservations } from './reservations.ts';
import { SlotAnswers } from './slot-answers.ts';
import { UnlaunchedJobs } from './unlaunched-jobs.ts';

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
  maxActiveJobs: number;
  /** See FrontendOptions.lendAfterMs. */
  lendAfterMs: number;
}

/**
 * The jobs one frontend owns, and the four things that happen to them: submission, getTask from a
 * node monitor, a task's end, and loss of a node. Decisions come from the job decider; this class
 * keeps the in-memory state, sends the messages and records the events.
 */
export class Scheduler {
  private readonly jobs = new Map<string, OwnedJob>();
  private readonly reservations: Reservations;
  private readonly placer: JobPlacer;
  private readonly loads: NodeLoads;
  private readonly slots: SlotAnswers;
  private readonly offers: LaunchOffers;
  /** Jobs that may have tasks to launch: what lending, older-first and idle pulls walk. */
  private readonly unlaunched = new UnlaunchedJobs<OwnedJob>();

  constructor(private readonly deps: SchedulerDeps) {
    this.loads = new NodeLoads(deps.clock);
    this.reservations = new Reservations(deps.nc, deps.names, deps.frontendId, deps.counter, this.loads);
    this.offers = new LaunchOffers({ ...deps, loads: this.loads, unlaunched: this.unlaunched });
    this.placer = new JobPlacer({
      ...deps,
      reservations: this.reservations,
      offers: this.offers,
      loads: this.loads,
      unlaunched: this.unlaunched,
      jobs: () => this.jobs.values(),
    });
    this.slots = new SlotAnswers({
      ...deps,
      jobs: this.jobs,
      placer: this.placer,
      reservations: this.reservations,
      offers: this.offers,
      loads: this.loads,
      unlaunched: this.unlaunched,
    });
  }

  get activeJobs(): number {
    return this.jobs.size;
  }

  owned(jobId: string): OwnedJob | undefined {
    return this.jobs.get(jobId);
  }

  async submit(input: unknown): Promise<SubmitReply> {
    const { frontendId } = this.deps;
    const job = parseJob(input);
    if (this.jobs.has(job.id)) throw new IllegalStateError(`job ${job.id} already exists`, { field: 'id' });
    if (this.jobs.size >= this.deps.maxActiveJobs) {
      throw new UnavailableError(
        `frontend ${frontendId} already runs ${this.jobs.size} jobs; try again later`,
      );
    }
    const nodes = this.deps.nodes.live();
    checkPlaceable(job, nodes);
    const state = initialJobState();
    const events = decide({ type: 'SubmitJob', job }, state, { frontendId });
    this.deps.writer.begin(job.id, 0);
    const appended = this.deps.writer.append(job.id, events);
    for (const event of events) evolve(state, event);
    if (job.tasks.length === 0) {
      try {
        await this.durable(appended, job.id);
      } finally {
        this.deps.writer.forget(job.id);
      }
      const result = jobResult(job.id, state);
      this.announce(result);
      return { jobId: job.id, status: 'completed', result };
    }
    const placed = this.placer.plan(job);
    const owned = ownedJob(job, state, placed.binding, this.deps.clock.now());
    owned.durable = appended.then(() => {
      owned.durable = undefined;
    });
    owned.durable.catch(() => undefined);
    this.jobs.set(job.id, owned);
    this.unlaunched.add(owned);
    // Reservations travel while the append is in flight and tasks may start before it lands (the
    // launches queue behind it in the job's committer): scheduling delay does not pay for the
    // disk, while the submitter still hears back only once the job is durable.
    this.placer.start(owned, placed);
    try {
      await this.durable(appended, job.id);
    } catch (err) {
      this.drop(owned);
      throw err;
    }
    return { jobId: job.id, status: 'accepted' };
  }

  /** A node monitor's reservation reached a slot: the task it launches, or "no task". */
  async getTask(request: GetTaskRequest): Promise<GetTaskReply> {
    return this.slots.answer(request);
  }

  /** A node monitor's answer to launch offers (see LaunchOffers); a malformed one is logged and dropped. */
  offersAnswered(answer: unknown): void {
    const valid = validOfferAnswer(answer);
    if (!valid) {
      this.deps.logger.warn({ answer }, 'malformed launch offer answer dropped');
      return;
    }
    this.slots.offersAnswered(valid);
  }

  /** Records a task's end; resolves once that is durable, so the node monitor may forget it. */
  async taskEnded(report: TaskEndedReport): Promise<void> {
    const load = validLoad(report.load);
    this.loads.heardFrom(report.nodeId, load);
    if (load && this.deps.placement === 'batch' && load.queueLength === 0) {
      // Nothing queued there will take the slot this task left: it would idle until a probe lands.
      this.placer.fillIdleSlots(report.nodeId, load.slots - load.running, this.slots.lendBefore());
    }
    const owned = this.jobs.get(report.jobId);
    if (!owned) return;
    const events = decide(
      {
        type: 'ReportTaskEnded',
        taskId: report.taskId,
        attemptId: report.attemptId,
        exitCode: report.exitCode,
        signal: report.signal,
        ...(report.error !== undefined && { error: report.error }),
      },
      owned.state,
      this.deps,
    );
    if (events.length === 0) return;
    owned.launched.delete(report.taskId);
    this.placer.waiting();
    owned.timings.set(report.taskId, {
      startedAt: report.startedAt,
      endedAt: report.endedAt,
      ...(report.reservedAt !== undefined && { reservedAt: report.reservedAt }),
      ...(report.requestedAt !== undefined && { requestedAt: report.requestedAt }),
      reportedAt: this.deps.clock.now(),
    });
    await this.applyDurably(owned, events);
  }

  async cancel(jobId: string, reason = 'cancelled'): Promise<JobResult> {
    const owned = this.jobs.get(jobId);
    if (!owned) throw new NotFoundError(`job ${jobId} is not scheduled by frontend ${this.deps.frontendId}`);
    const events = decide({ type: 'CancelJob', reason }, owned.state, this.deps);
    const running = new Set<string>();
    for (const task of owned.state.tasks.values())
      if (task.status === 'running' && task.nodeId) running.add(task.nodeId);
    await this.applyDurably(owned, events, reason);
    this.reservations.cancel(owned, [...running], true);
    return jobResult(jobId, owned.state, owned.timings, reason);
  }

  /** A node monitor joined (or left): tasks waiting for room may fit now. */
  nodesChanged(): void {
    this.placer.waiting();
  }

  /** A node monitor died: its attempts are retried elsewhere (or fail once retries are used up). */
  nodeLost(nodeId: string): void {
    this.loads.forget(nodeId);
    for (const owned of [...this.jobs.values()]) {
      this.loseNode(owned, nodeId, owned.offered.size > 0 && this.offers.releaseAt(owned, nodeId));
    }
  }

  /** Takes over a job whose frontend died: fenced on what was read, so only one frontend wins. */
  async adopt(state: JobState, lastSeq: number): Promise<boolean> {
    const job = state.job!;
    const events = decide({ type: 'AdoptJob' }, state, this.deps);
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
    const owned = ownedJob(job, state, new LateBinding([]), this.deps.clock.now());
    this.jobs.set(job.id, owned);
    this.placer.again(owned, tasksWithStatus(owned, 'pending'));
    for (const taskId of tasksWithStatus(owned, 'running')) {
      const nodeId = state.tasks.get(taskId)!.nodeId!;
      if (!this.deps.nodes.has(nodeId)) this.loseNode(owned, nodeId);
    }
    return true;
  }

  /** Re-places the waiting tasks of jobs that have made no progress for a while (lost reservations). */
  replaceStarved(olderThanMs: number): void {
    this.placer.waiting();
    const now = this.deps.clock.now();
    for (const owned of this.jobs.values()) {
      // An offer unanswered this long was lost on the way (a malformed or dropped message).
      if (owned.offered.size > 0) this.offers.releaseOlderThan(owned, olderThanMs);
      if (owned.durable || now - owned.lastProgress < olderThanMs) continue;
      const pending = tasksWithStatus(owned, 'pending');
      if (pending.length > 0) this.placer.again(owned, pending);
      else owned.lastProgress = now;
    }
  }

  /** Stops scheduling; reservations already sent answer "no task" from then on. */
  close(): void {
    this.jobs.clear();
    this.unlaunched.clear();
  }

  private loseNode(owned: OwnedJob, nodeId: string, offersReleased = false): void {
    if (owned.state.status !== 'active') return;
    const events = decide({ type: 'ReportNodeLost', nodeId }, owned.state, this.deps);
    const hadReservations = owned.holders.delete(nodeId) || offersReleased;
    if (events.length > 0) {
      void this.applyDurably(owned, events).catch((err) =>
        this.deps.logger.error({ err, jobId: owned.job.id }, 'node loss not recorded'),
      );
    }
    const retried = events.filter((e) => e.type === 'TaskRetried').map((e) => e.data.taskId);
    const unlaunched = owned.binding.unlaunchedCount + owned.bound.size;
    if (retried.length > 0 || (hadReservations && unlaunched > 0)) {
      this.placer.again(owned, tasksWithStatus(owned, 'pending'));
    }
  }

  /** Applies, appends and waits; a job that ends here is announced once its end is durable. */
  private async applyDurably(owned: OwnedJob, events: JobEvent[], reason?: string): Promise<void> {
    for (const event of events) evolve(owned.state, event);
    const appended = this.deps.writer.append(owned.job.id, events);
    if (owned.state.status === 'active') {
      await appended;
      return;
    }
    this.jobs.delete(owned.job.id);
    this.reservations.cancel(owned, owned.binding.leftoverReservations(), false);
    try {
      await appended;
    } finally {
      this.deps.writer.forget(owned.job.id);
    }
    this.announce(jobResult(owned.job.id, owned.state, owned.timings, reason));
  }

  private async durable(appended: Promise<unknown>, jobId: string) {
    try {
      return await appended;
    } catch (err) {
      if ((err as { code?: string }).code === 'concurrency') {
        throw new IllegalStateError(`job ${jobId} already exists`, { field: 'id' });
      }
      throw err;
    }
  }

  /** The job was not accepted: whatever of it already started is stopped. */
  private drop(owned: OwnedJob): void {
    if (this.jobs.get(owned.job.id) !== owned) return;
    this.jobs.delete(owned.job.id);
    this.deps.writer.forget(owned.job.id);
    owned.state.status = 'cancelled';
    this.reservations.cancel(owned, [...owned.holders], true);
  }

  private announce(result: JobResult): void {
    this.deps.counter.add();
    this.deps.nc.publish(this.deps.names.jobWatch(result.jobId), encode(result));
  }
}
