import type { KV } from '@nats-io/kv';
import type { Subscription } from '@nats-io/transport-node';
import { encode, type Logger } from '@passerine/core';
import { okReply, requestRpc, type Service, type ServiceContext, sendReply } from '@passerine/natsconn';
import {
  createReservationQueue,
  type ReservationQueue,
  ResourceLedger,
  type TakenReservation,
} from '@passerine/scheduling';
import {
  decodeOrDrop,
  type GetTaskReply,
  type GetTaskRequest,
  type LaunchSpec,
  type LoadReply,
  type MessageCounter,
  type NodeAdvert,
  type OfferAnswer,
  openMembershipBucket,
  parseReserve,
  type ReportAck,
  uncounted,
  validAttemptIds,
  openCordonBucket,
  readCordon,
} from '@passerine/scheduling-protocol';
import type { FunctionPool, OrphanWatchdog } from '@passerine/executors';
import { createMetrics, type PasserineMetrics } from '@passerine/metrics';
import type { KeyBudgets } from '@passerine/key-limits';
import type { LogShipper } from '@passerine/task-logs';
import { type NodeMonitorOptions, type ResolvedNodeOptions, resolveNodeOptions } from './options.ts';
import { nodeKeyBudgets, nodeLogShipper, nodeTaskRunner } from './node-parts.ts';
import { handleCancel } from './cancels.ts';
import { ReportOutbox } from './report-outbox.ts';
import { RunningTasks } from './running-tasks.ts';
import { endedReport } from './task-report.ts';
import { NoticeOutbox, noticesFor } from './submitter-notices.ts';
import { runWithDeadline, type TaskRunner } from './task-runner.ts';

/**
 * A Sparrow node monitor: holds reservations under its queue policy and, whenever a slot and the
 * resources of the next reservation are free, asks that reservation's frontend for a task (late
 * binding). Its slots and resources are a ledger that refuses to overcommit; a slot is held from
 * the getTask call until the task's end has been handled.
 */
export class NodeMonitor implements Service {
  readonly name = 'node-monitor';
  readonly id: string;
  private readonly options: ResolvedNodeOptions;
  private readonly queue: ReservationQueue;
  private readonly ledger: ResourceLedger;
  private readonly runner: TaskRunner;
  private readonly functions?: FunctionPool;
  private readonly watchdog?: OrphanWatchdog;
  private readonly counter: MessageCounter;
  private readonly logger: Logger;
  private readonly running = new RunningTasks();
  private removeFigures?: () => void;
  private figures?: PasserineMetrics;
  private readonly reports: ReportOutbox;
  private readonly notices: NoticeOutbox;
  private readonly logs: LogShipper;
  private readonly budgets: KeyBudgets;
  private readonly subscriptions: Subscription[] = [];
  private bucket?: KV;
  private cordons?: KV;
  /** Out of service: running tasks go on, new reservations and offers are refused. */
  private cordoned = false;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly ctx: ServiceContext,
    options: NodeMonitorOptions,
  ) {
    this.options = resolveNodeOptions(options);
    this.id = options.id ?? `nm-${ctx.ids.next()}`;
    this.queue = createReservationQueue({ policy: this.options.policy, weights: this.options.weights });
    this.ledger = new ResourceLedger({ slots: this.options.slots, resources: this.options.capacity });
    this.counter = options.counter ?? uncounted;
    this.logger = ctx.logger.child({ nodeId: this.id });
    const { runner, functions, watchdog } = nodeTaskRunner(ctx, options, this.options, this.id, this.counter);
    this.runner = runner;
    this.functions = functions;
    this.watchdog = watchdog;
    this.notices = new NoticeOutbox(ctx.nc, this.logger);
    this.logs = nodeLogShipper(ctx, this.options, this.id, this.logger);
    this.budgets = nodeKeyBudgets(ctx, this.options, this.logger);
    this.reports = new ReportOutbox({
      nc: ctx.nc,
      names: ctx.names,
      nodeId: this.id,
      counter: this.counter,
      logger: this.logger,
      now: () => ctx.clock.now(),
      ackTimeoutMs: this.options.reportAckTimeoutMs,
      resend: { deadlineMs: this.options.reportDeadlineMs, attemptTimeoutMs: 2_000 },
      stopped: () => this.stopped,
    });
  }

  async start(): Promise<void> {
    const { nc, names } = this.ctx;
    const cancelTargets = { queue: this.queue, running: this.running, logger: this.logger };
    this.subscriptions.push(
      nc.subscribe(names.nodeMonitor(this.id, 'reserve'), {
        callback: (_e, msg) => this.onReserve(msg.data),
      }),
      nc.subscribe(names.nodeMonitor(this.id, 'cancel'), {
        callback: (_e, msg) => handleCancel(msg, cancelTargets),
      }),
      nc.subscribe(names.nodeMonitor(this.id, 'reported'), {
        callback: (_e, msg) => this.onReported(msg.data),
      }),
      nc.subscribe(names.nodeMonitor(this.id, 'load'), {
        callback: (_e, msg) => {
          this.counter.add();
          sendReply(msg, okReply(this.load()), this.logger);
        },
      }),
    );
    // Read when scraped: the node's running and queued tasks, with no count kept on the hot path.
    const metrics = this.ctx.metrics ?? createMetrics();
    this.removeFigures = metrics.nodeTasks.addSource((set) => {
      set({ node: this.id, state: 'running' }, this.running.size);
      set({ node: this.id, state: 'queued' }, this.queue.size());
    });
    this.figures = metrics;
    this.bucket = await openMembershipBucket(nc, names.nodeBucket);
    this.cordons = await openCordonBucket(nc, names.cordonBucket);
    await this.advertise();
    this.heartbeat = setInterval(() => void this.advertise(), this.options.heartbeatMs);
    this.reports.start();
  }

  /** Stops taking work, leaves the membership bucket and stops running tasks without reporting them:
   *  frontends see the node gone and retry its tasks elsewhere. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.removeFigures?.();
    clearInterval(this.heartbeat);
    this.reports.stop();
    for (const sub of this.subscriptions) sub.unsubscribe();
    await this.bucket?.delete(this.id).catch(() => undefined);
    await this.running.stopAll();
    this.watchdog?.close();
    await this.logs.close(this.options.logFlushMs);
    await this.functions?.close();
  }

  /** Free slots, queued reservations and unacknowledged reports right now (tests check that slots
   *  always come back and reports are not left behind). */
  state(): { freeSlots: number; running: number; queued: number; unreported: number } {
    return {
      freeSlots: this.ledger.free.slots,
      running: this.running.size,
      queued: this.queue.size(),
      unreported: this.reports.pending,
    };
  }

  private load(): LoadReply {
    return { queueLength: this.queue.size(), running: this.ledger.inUse, slots: this.options.slots };
  }

  private advert(): NodeAdvert {
    const free = this.ledger.free;
    return {
      id: this.id,
      slots: this.options.slots,
      freeSlots: free.slots,
      capacity: this.options.capacity,
      free: free.resources,
      labels: this.options.labels,
      lastHeartbeat: this.ctx.clock.now(),
      queueLength: this.queue.size(),
      takesOffers: true,
      running: this.running.size,
      ...(this.cordoned && { cordoned: true }),
    };
  }

  private async advertise(): Promise<void> {
    if (this.stopped || !this.bucket) return;
    try {
      // Read on every beat: a cordon set by an operator takes hold within one heartbeat.
      if (this.cordons) this.cordoned = (await readCordon(this.cordons, this.id)) !== null;
      await this.bucket.put(this.id, encode(this.advert()));
    } catch (err) {
      this.logger.warn({ err }, 'heartbeat failed');
    }
    await this.renewHolds();
  }

  /** The key budget holds of the running tasks, renewed with the advert: one write per key. */
  private async renewHolds(): Promise<void> {
    await Promise.all(
      [...this.running.holdsByKey()].map(([key, ids]) =>
        this.budgets.renew(key, ids).catch((err) => this.logger.warn({ err, key }, 'key holds not renewed')),
      ),
    );
  }

  private onReserve(data: Uint8Array): void {
    if (this.stopped) return;
    const parsed = parseReserve(data, this.logger);
    if (!parsed) return;
    const { offers = [], ...reservation } = parsed;
    const taken = { ...reservation, arrivedAt: this.ctx.clock.now() };
    // A cordoned node declines every offer and refuses the reservations: the frontend places them elsewhere.
    const { launched, declined } = this.cordoned
      ? { launched: [], declined: offers.map((o) => o.taskId) }
      : this.launchOffers(offers, taken);
    const queued = reservation.count - launched.length;
    const full =
      queued > 0 && (this.cordoned || this.queue.size() + queued > this.options.maxQueuedReservations);
    if (full && !this.cordoned) {
      this.logger.warn({ jobId: reservation.jobId }, 'reservation queue full; reservation refused');
      this.figures?.refusals.inc({ service: 'node-monitor', reason: 'reservation_queue_full' });
    }
    // The frontend hears of every offer, and of reservations refused, so it places them elsewhere.
    if (offers.length > 0 || full)
      this.answerOffers(taken.frontendId, taken.jobId, launched, declined, full ? queued : 0);
    if (queued === 0 || full) return;
    this.queue.enqueue({ ...reservation, count: queued, arrivedAt: taken.arrivedAt });
    this.pump();
  }

  /**
   * Launches the offers a slot is free for right now and declines the rest. Only with nothing
   * queued: a reservation waiting here comes first.
   */
  private launchOffers(
    offers: LaunchSpec[],
    taken: TakenReservation,
  ): Pick<OfferAnswer, 'launched' | 'declined'> {
    const launched: OfferAnswer['launched'] = [];
    const declined: string[] = [];
    for (const offer of offers) {
      if (this.queue.size() === 0 && this.ledger.tryAcquire(taken.resources)) {
        this.launch(offer, taken, taken.arrivedAt!);
        launched.push({ taskId: offer.taskId, attemptId: offer.attemptId });
      } else {
        declined.push(offer.taskId);
      }
    }
    return { launched, declined };
  }

  /** Tells the frontend which offers of `jobId` launched here, which it declined, and units refused. */
  private answerOffers(
    frontendId: string,
    jobId: string,
    launched: OfferAnswer['launched'],
    declined: string[],
    refused: number,
  ): void {
    const answer: OfferAnswer = {
      jobId,
      nodeId: this.id,
      launched,
      declined,
      ...(refused > 0 && { refused }),
      load: this.load(),
    };
    this.counter.add();
    this.ctx.nc.publish(this.ctx.names.frontend(frontendId, 'offers'), encode(answer));
  }

  private onReported(data: Uint8Array): void {
    const ack = decodeOrDrop<ReportAck>(data, this.logger, 'report acknowledgement');
    if (ack === undefined) return;
    const attemptIds = validAttemptIds(ack?.attemptIds);
    if (attemptIds) this.reports.acknowledged(attemptIds);
    else this.logger.warn({ ack }, 'malformed report acknowledgement dropped');
  }

  /** Serves reservations while the ledger has room for the one the policy picks next. */
  private pump(): void {
    while (!this.stopped) {
      const taken = this.queue.takeNext(this.ledger.free);
      if (!taken) return;
      if (!this.ledger.tryAcquire(taken.resources)) return;
      void this.claim(taken);
    }
  }

  private async claim(taken: TakenReservation): Promise<void> {
    let spec: GetTaskReply = null;
    const requestedAt = this.ctx.clock.now();
    try {
      this.counter.add();
      const ended = this.reports.takeFor(taken.frontendId);
      const request: GetTaskRequest = {
        jobId: taken.jobId,
        nodeId: this.id,
        user: taken.user,
        priority: taken.priority,
        resources: taken.resources,
        load: this.load(),
        ...(ended && { ended }),
      };
      spec = await requestRpc<GetTaskReply>(
        this.ctx.nc,
        this.ctx.names.frontend(taken.frontendId, 'getTask'),
        request,
        this.options.getTaskTimeoutMs,
      );
    } catch (err) {
      // The frontend is gone or slow: the reservation is dropped (its jobs get re-placed on adoption).
      this.logger.debug({ err, jobId: taken.jobId }, 'getTask failed; reservation dropped');
    }
    if (!spec || this.stopped) {
      this.ledger.release(taken.resources);
      this.pump();
      return;
    }
    this.launch(spec, taken, requestedAt);
  }

  private launch(spec: LaunchSpec, taken: TakenReservation, requestedAt: number): void {
    const abort = new AbortController();
    if (this.running.jobStopped(spec.jobId)) abort.abort();
    const startedAt = this.ctx.clock.now();
    const log = this.logs.open({
      jobId: spec.jobId,
      taskId: spec.taskId,
      attemptId: spec.attemptId,
      ...(spec.unit !== undefined && { unit: spec.unit }),
    });
    const onOutput = (line: string, stream: 'stdout' | 'stderr') => log.write(line, stream);
    const timeoutMs = spec.command?.timeoutMs ?? this.options.taskTimeoutMs;
    const notices = noticesFor(this.notices, spec, this.id);
    notices?.started(startedAt);
    const output = { onOutput, onData: notices?.capture };
    const done = runWithDeadline(this.runner, spec, timeoutMs, abort, output).then(async (result) => {
      // Its lines are stored before its end is told: whoever follows the job hears them first.
      await log.end(this.options.logFlushMs);
      // Its hold goes back before the slot: the next task of the key may start at once.
      if (spec.hold) {
        await this.budgets
          .release(spec.hold.key, [spec.hold.holdId])
          .catch((err) => this.logger.warn({ err, key: spec.hold?.key }, 'key hold not released; it lapses'));
      }
      this.running.remove(spec.attemptId);
      this.ledger.release(taken.resources);
      if (!this.stopped) {
        // Before the report: the submitter hears the outcome no later than the job's end.
        notices?.ended(result, startedAt, this.ctx.clock.now());
        const times = { startedAt, endedAt: this.ctx.clock.now(), requestedAt, reservedAt: taken.arrivedAt };
        const report = endedReport(spec, this.id, result, times, this.load());
        // Carried by the getTask of the pump below when the slot goes to the same frontend.
        this.reports.add(taken.frontendId, report);
      }
      this.pump();
    });
    this.running.add(spec.attemptId, {
      jobId: spec.jobId,
      abort,
      done,
      ...(spec.hold !== undefined && { hold: spec.hold }),
    });
  }
}
