import type { IdSource, Logger, Clock } from '@passerine/core';
import {
  type GetTaskReply,
  type GetTaskRequest,
  type LaunchSpec,
  type OfferAnswer,
  validLoad,
} from '@passerine/scheduling-protocol';
import { decide, evolve, type GetTaskAnswer, type JobCommand, type JobEvent } from '@passerine/scheduling';
import type { JobPlacer } from './job-placer.ts';
import type { JobWriter } from './job-writer.ts';
import type { LaunchOffers } from './launch-offers.ts';
import { jobToLendTo } from './lending.ts';
import type { NodeLoads } from './node-loads.ts';
import { launchSpec, type OwnedJob } from './owned-job.ts';
import type { PlacementMode } from './placement.ts';
import type { Reservations } from './reservations.ts';
import type { UnlaunchedJobs } from './unlaunched-jobs.ts';

/** A task of an active job that waits for a slot and is offered to none. */
const isUnclaimed = (owned: OwnedJob, taskId: string) =>
  owned.state.status === 'active' &&
  owned.state.tasks.get(taskId)?.status === 'pending' &&
  !owned.offered.has(taskId);

export interface SlotAnswersDeps {
  frontendId: string;
  /** The frontend's active jobs. */
  jobs: ReadonlyMap<string, OwnedJob>;
  unlaunched: UnlaunchedJobs<OwnedJob>;
  placer: JobPlacer;
  reservations: Reservations;
  offers: LaunchOffers;
  loads: NodeLoads;
  writer: JobWriter;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  placement: PlacementMode;
  /** See FrontendOptions.lendAfterMs. */
  lendAfterMs: number;
}

/**
 * What a frontend answers a node monitor whose reservation reached a free slot: which of its jobs
 * the slot serves (the reserving one, an older one that waits, or one it is lent to) and the task
 * that launches there, recorded as launched.
 */
export class SlotAnswers {
  constructor(private readonly deps: SlotAnswersDeps) {}

  /**
   * Late binding: the reserving job's next task, or "no task". A slot whose job has nothing left
   * is offered to the oldest job that has waited `lendAfterMs` with tasks unlaunched, when the
   * reservation was of the same user and priority and holds enough resources, so that a surplus
   * reservation that reached a free slot serves a job whose own reservations queue behind running
   * tasks. With batch sampling such an older job comes first even when the reserving job has tasks
   * left (see yieldToOlder).
   */
  answer(request: GetTaskRequest): GetTaskReply {
    this.deps.loads.heardFrom(request.nodeId, validLoad(request.load));
    const lendBefore = this.lendBefore();
    const owned = this.deps.jobs.get(request.jobId);
    if (owned && owned.state.status === 'active') {
      const spec =
        this.yieldToOlder(owned, request, lendBefore) ??
        this.handOut(owned, request.nodeId, this.ownTask(owned, request));
      if (spec) return spec;
    }
    const waiting = jobToLendTo(this.deps.unlaunched.oldestFirst(), request, lendBefore);
    return waiting ? this.handOut(waiting, request.nodeId, waiting.binding.offer(request.nodeId)) : null;
  }

  /**
   * Older jobs first: a reservation reaching a slot while an older job of the same user and
   * priority has waited `lendAfterMs` with tasks unlaunched (its own reservations stuck behind
   * running tasks) serves that older job, and the reserving job, if now short of reservations for
   * its tasks, gets one more at a light node. Across this frontend's jobs that comes close to one
   * FIFO queue, which is what keeps the slowest jobs' last tasks from waiting: in bench:sparrow it
   * lowered p95 and p99 response in paired runs. Tasks bound to the node (packed) are left alone.
   */
  private yieldToOlder(owned: OwnedJob, request: GetTaskRequest, lendBefore: number): LaunchSpec | null {
    if (this.deps.placement !== 'batch' || owned.binding.unlaunchedCount === 0) return null;
    if (owned.bound.waitsAt(request.nodeId)) return null;
    const older = jobToLendTo(
      this.deps.unlaunched.oldestFirst(),
      request,
      Math.min(lendBefore, owned.since - 1),
    );
    if (!older || older === owned) return null;
    const spec = this.handOut(older, request.nodeId, older.binding.offer(request.nodeId));
    if (!spec) return null;
    owned.binding.useReservation(request.nodeId);
    if (owned.binding.reservationsHeld < owned.binding.unlaunchedCount)
      this.deps.placer.reserveOneMore(owned);
    return spec;
  }

  /** Jobs taken on before this have waited long enough to be lent slots (see lendAfterMs). */
  lendBefore(): number {
    return this.deps.clock.now() - this.deps.lendAfterMs;
  }

  /** A packed task bound to this node that fits what the reservation holds, else late binding's. */
  private ownTask(owned: OwnedJob, request: GetTaskRequest): GetTaskAnswer {
    const packed = request.resources ? owned.bound.take(request.nodeId, request.resources) : null;
    return packed ? { taskId: packed, cancel: [] } : owned.binding.getTask(request.nodeId);
  }

  private handOut(owned: OwnedJob, nodeId: string, answer: GetTaskAnswer): LaunchSpec | null {
    // A cancel drops all of the job's reservations at a node, packed tasks' included.
    const cancel = answer.cancel.filter((node) => !owned.bound.waitsAt(node));
    if (cancel.length > 0) this.deps.reservations.cancel(owned, cancel, false);
    if (answer.taskId === null) return null;
    const attemptId = this.deps.ids.next();
    return this.recordLaunch(owned, answer.taskId, nodeId, attemptId)
      ? launchSpec(owned, answer.taskId, attemptId)
      : null;
  }

  /**
   * A node answered launch offers: each launched task is recorded as launched there, or stopped
   * when it came too late to count (its job ended, or the task was released and launched elsewhere);
   * each declined one goes back to late binding.
   */
  offersAnswered(answer: OfferAnswer): void {
    this.deps.loads.heardFrom(answer.nodeId, validLoad(answer.load));
    const owned = this.deps.jobs.get(answer.jobId);
    for (const { taskId, attemptId } of answer.launched) {
      let counts = false;
      if (owned && this.deps.offers.launched(owned, answer.nodeId, taskId, attemptId)) {
        counts = this.recordLaunch(owned, taskId, answer.nodeId, attemptId);
      } else if (owned && isUnclaimed(owned, taskId)) {
        // Given up on meanwhile (no answer in time) and not launched or offered elsewhere: it counts.
        owned.binding.take(taskId);
        counts = this.recordLaunch(owned, taskId, answer.nodeId, attemptId);
      }
      if (!counts) this.deps.reservations.stopAttempt(answer.jobId, answer.nodeId, attemptId);
    }
    if (!owned) return;
    for (const taskId of answer.declined) this.deps.offers.declined(owned, answer.nodeId, taskId);
    if (answer.refused) this.refused(owned, answer.nodeId, answer.refused);
  }

  /**
   * The node's queue had no room for these reservation units: the job holds that many fewer there,
   * and if it is left with fewer reservations than tasks to launch it reserves again elsewhere
   * (not at that node, which would refuse again), instead of waiting for the re-placement tick.
   */
  private refused(owned: OwnedJob, nodeId: string, units: number): void {
    for (let i = 0; i < units; i++) owned.binding.useReservation(nodeId);
    for (let i = 0; i < units && owned.binding.reservationsHeld < owned.binding.unlaunchedCount; i++)
      this.deps.placer.reserveOneMore(owned, nodeId);
  }

  /** Records the task as launched at the node; false (and the task placed again) if the job refuses. */
  private recordLaunch(owned: OwnedJob, taskId: string, nodeId: string, attemptId: string): boolean {
    const command: JobCommand = { type: 'LaunchTask', taskId, nodeId, attemptId };
    try {
      this.apply(owned, decide(command, owned.state, this.deps));
    } catch (err) {
      this.deps.logger.error({ err, jobId: owned.job.id, taskId }, 'launch refused');
      this.deps.placer.again(owned, [taskId]);
      return false;
    }
    owned.lastProgress = this.deps.clock.now();
    const task = owned.tasks.get(taskId)!;
    owned.launched.set(taskId, { nodeId, at: owned.lastProgress, resources: task.resources });
    return true;
  }

  private apply(owned: OwnedJob, events: JobEvent[]): void {
    for (const event of events) evolve(owned.state, event);
    this.deps.writer.record(owned.job.id, events);
  }
}
