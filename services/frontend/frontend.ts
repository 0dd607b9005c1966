import type { KV } from '@nats-io/kv';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { decode, encode, type Logger } from '@passerine/core';
import { JetStreamEventLog, SnapshotStore } from '@passerine/eventlog';
import { chooseAdopter } from '@passerine/scheduling';
import {
  errReply,
  okReply,
  type Reply,
  type Service,
  type ServiceContext,
  sendReply,
  serveRpc,
} from '@passerine/natsconn';
import {
  createMessageCounter,
  decodeOrDrop,
  type FrontendAdvert,
  type GetTaskRequest,
  type MessageCounter,
  type NodeAdvert,
  openMembershipBucket,
  type ReportBatch,
  type TaskEndedReport,
  validReports,
} from '@passerine/scheduling-protocol';
import { ActiveJobsCheckpoint } from './active-jobs-checkpoint.ts';
import { adoptOrphans } from './adoption.ts';
import { JobControl } from './job-control.ts';
import { JobWriter } from './job-writer.ts';
import { MembershipView } from './membership-view.ts';
import { type FrontendOptions, type ResolvedFrontendOptions, resolveFrontendOptions } from './options.ts';
import { ReportAcks } from './report-acks.ts';
import { Scheduler } from './scheduler.ts';
import { SpecPump } from './spec-pump.ts';

/**
 * A Sparrow frontend: one of any number of stateless schedulers serving the same submit subject.
 * It samples node monitors from its view of the node bucket, answers their getTask calls, records
 * every fact in the job's log subject, and adopts the jobs of frontends that die.
 */
export class Frontend implements Service {
  readonly name = 'frontend';
  readonly id: string;
  readonly counter: MessageCounter;
  private readonly options: ResolvedFrontendOptions;
  private readonly logger: Logger;
  private readonly subscriptions: Subscription[] = [];
  private readonly served = new Set<string>();
  private nodes?: MembershipView<NodeAdvert>;
  private frontends?: MembershipView<FrontendAdvert>;
  private frontendBucket?: KV;
  private scheduler?: Scheduler;
  private acks?: ReportAcks;
  private pumps: SpecPump[] = [];
  private timers: NodeJS.Timeout[] = [];
  private adopting: Promise<void> = Promise.resolve();
  /** Where sweeps for orphaned jobs start reading the job log (see ActiveJobsCheckpoint). */
  private readonly checkpoint: ActiveJobsCheckpoint;
  private stopped = false;
  private startupSweepEnded!: () => void;
  /**
   * Resolves when the start-up sweep for orphaned jobs (staleAfterMs after start) has ended, or at
   * stop. The sweep reads the job log while this frontend schedules: a measurement of steady
   * scheduling waits for it, as it waits for the start-up's code compilation.
   */
  readonly startupSwept = new Promise<void>((resolve) => {
    this.startupSweepEnded = resolve;
  });

  constructor(
    private readonly ctx: ServiceContext,
    private readonly given: FrontendOptions = {},
  ) {
    this.options = resolveFrontendOptions(given);
    this.id = given.id ?? `fe-${ctx.ids.next()}`;
    this.counter = given.counter ?? createMessageCounter();
    this.logger = ctx.logger.child({ frontendId: this.id });
    this.checkpoint = new ActiveJobsCheckpoint(
      new SnapshotStore(ctx.nc, ctx.names.snapshotBucket),
      this.logger,
      this.options.checkpointEverySeqs,
    );
  }

  /** Jobs this frontend schedules right now. */
  get activeJobs(): number {
    return this.scheduler?.activeJobs ?? 0;
  }

  /** Node monitors in this frontend's membership view. */
  get liveNodes(): number {
    return this.nodes?.live().length ?? 0;
  }

  async start(): Promise<void> {
    const { nc, names, clock } = this.ctx;
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    const now = () => clock.now();
    const nodeBucket = await openMembershipBucket(nc, names.nodeBucket);
    this.frontendBucket = await openMembershipBucket(nc, names.frontendBucket);
    this.nodes = new MembershipView<NodeAdvert>({
      bucket: nodeBucket,
      staleAfterMs: this.options.staleAfterMs,
      now,
      logger: this.logger,
      onLost: (node) => this.scheduler?.nodeLost(node.id),
      onChange: () => this.scheduler?.nodesChanged(),
    });
    this.frontends = new MembershipView<FrontendAdvert>({
      bucket: this.frontendBucket,
      staleAfterMs: this.options.staleAfterMs,
      now,
      logger: this.logger,
      onLost: (frontend) => this.frontendLost(frontend.id),
    });
    const writer = new JobWriter(log, names, clock, this.ctx.ids, this.logger);
    const scheduler = new Scheduler({
      frontendId: this.id,
      nc,
      names,
      writer,
      nodes: this.nodes,
      placement: this.options.placement,
      random: this.given.random ?? Math.random,
      clock,
      ids: this.ctx.ids,
      logger: this.logger,
      counter: this.counter,
      maxActiveJobs: this.options.maxActiveJobs,
      lendAfterMs: this.options.lendAfterMs,
    });
    this.scheduler = scheduler;
    this.acks = new ReportAcks(nc, names, this.counter);
    const control = new JobControl(nc, names, log, scheduler, this.logger);
    await this.advertise();
    await Promise.all([this.nodes.start(), this.frontends.start()]);
    this.serveOwnSubjects(this.id);
    const queue = names.queueGroup('frontend');
    const rpc = { queue, logger: this.logger };
    this.subscriptions.push(
      serveRpc(nc, names.submitJob, (input) => scheduler.submit(input), rpc),
      serveRpc(nc, names.jobRpc('status'), (req: { jobId?: unknown }) => control.status(req?.jobId), rpc),
      serveRpc(
        nc,
        names.jobRpc('cancel'),
        (req: { jobId?: unknown; reason?: unknown }) => control.cancel(req),
        rpc,
      ),
    );
    this.timers.push(
      setInterval(() => void this.advertise(), this.options.heartbeatMs),
      setInterval(
        () => scheduler.replaceStarved(this.options.replaceAfterMs),
        this.options.replaceAfterMs / 2,
      ),
      // Jobs orphaned while no frontend ran: looked for once every member has had time to show up.
      setTimeout(() => {
        this.sweepOrphans();
        void this.adopting.then(this.startupSweepEnded);
      }, this.options.staleAfterMs),
    );
    this.startPumps(scheduler);
  }

  /** Executable work specs of each pumped namespace flow through this frontend's scheduler. */
  private startPumps(scheduler: Scheduler): void {
    const { nc, names, clock, ids } = this.ctx;
    const nodes = () => this.nodes?.live() ?? [];
    this.pumps = this.options.pumpNamespaces.map(
      (namespace) =>
        new SpecPump(
          { nc, names, logger: this.logger, clock, ids, frontendId: this.id, scheduler, nodes },
          { ...this.options.pump, namespace },
        ),
    );
    for (const pump of this.pumps) pump.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.startupSweepEnded();
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.pumps.map((pump) => pump.stop()));
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.nodes?.stop();
    this.frontends?.stop();
    await this.frontendBucket?.delete(this.id).catch(() => undefined);
    await this.adopting.catch(() => undefined);
    this.scheduler?.close();
    this.acks?.flush();
  }

  private async advertise(): Promise<void> {
    if (this.stopped || !this.frontendBucket) return;
    const advert: FrontendAdvert = { id: this.id, lastHeartbeat: this.ctx.clock.now() };
    await this.frontendBucket
      .put(this.id, encode(advert))
      .catch((err) => this.logger.warn({ err }, 'heartbeat failed'));
  }

  private liveFrontendIds(): string[] {
    const ids = (this.frontends?.live() ?? []).map((f) => f.id);
    return ids.includes(this.id) ? ids : [...ids, this.id];
  }

  private shouldAdopt(owner: string): boolean {
    if (owner === this.id || this.frontends?.has(owner)) return false;
    return chooseAdopter(owner, this.liveFrontendIds()) === this.id;
  }

  private frontendLost(frontendId: string): void {
    if (this.stopped || frontendId === this.id || !this.shouldAdopt(frontendId)) return;
    this.sweepOrphans([frontendId]);
  }

  /** Adopts orphaned jobs; the dead frontends' subjects are served (gated on the sweep) first. */
  private sweepOrphans(dead: string[] = []): void {
    if (this.stopped || !this.scheduler) return;
    const scheduler = this.scheduler;
    const sweep = this.adopting.then(async () => {
      const { previousOwners, adopted } = await adoptOrphans(
        new JetStreamEventLog(this.ctx.nc, { stream: this.ctx.names.eventStream }),
        this.ctx.names,
        scheduler,
        (owner) => this.shouldAdopt(owner),
        this.logger,
        this.checkpoint,
      );
      for (const id of previousOwners) this.serveAdoptedSubjects(id, Promise.resolve());
      for (const pump of this.pumps) pump.adopted(adopted);
    });
    this.adopting = sweep.catch((err) => this.logger.error({ err }, 'adoption failed'));
    for (const id of dead) this.serveAdoptedSubjects(id, this.adopting);
  }

  /** Records a task's end; resolves once it is durable. */
  private async reported(report: TaskEndedReport): Promise<void> {
    await this.scheduler!.taskEnded(report);
    for (const pump of this.pumps) pump.taskReported(report.jobId);
  }

  /**
   * Task ends carried on a getTask or in a batch: each is acknowledged once durable. Malformed ones
   * are not acknowledged, so the node monitor sends them again as taskEnded requests, whose errors
   * it sees.
   */
  private reportsArrived(nodeId: unknown, value: unknown): void {
    const reports = validReports(value);
    if (!reports || typeof nodeId !== 'string') {
      this.logger.warn({ nodeId }, 'malformed task reports dropped');
      return;
    }
    for (const report of reports) {
      this.reported(report).then(
        () => this.acks!.add(nodeId, report.attemptId),
        (err) => this.logger.warn({ err, jobId: report.jobId }, 'task report not recorded'),
      );
    }
  }

  private serveOwnSubjects(frontendId: string): void {
    const { nc, names } = this.ctx;
    const scheduler = this.scheduler!;
    const rpc = { logger: this.logger };
    this.served.add(frontendId);
    this.subscriptions.push(
      serveRpc(nc, names.frontend(frontendId, 'getTask'), (req: GetTaskRequest) => {
        this.counter.add();
        // The ends the node reports along are recorded first: the answer sees the slots they freed.
        if (req?.ended !== undefined) this.reportsArrived(req.nodeId, req.ended);
        return scheduler.getTask(req);
      }),
      serveRpc(
        nc,
        names.frontend(frontendId, 'taskEnded'),
        async (report: TaskEndedReport) => {
          await this.reported(report);
          this.counter.add();
          return true;
        },
        rpc,
      ),
      nc.subscribe(names.frontend(frontendId, 'reports'), {
        callback: (_err, msg) => {
          const batch = decodeOrDrop<ReportBatch>(msg.data, this.logger, 'task report batch');
          if (batch !== undefined) this.reportsArrived(batch?.nodeId, batch?.reports);
        },
      }),
      serveRpc(nc, names.frontend(frontendId, 'cancel'), (req: { jobId: string; reason?: string }) =>
        scheduler.cancel(req.jobId, req.reason),
      ),
      nc.subscribe(names.frontend(frontendId, 'offers'), {
        callback: (_err, msg) => {
          try {
            scheduler.offersAnswered(decode(msg.data));
          } catch (err) {
            this.logger.warn({ err }, 'launch offer answer not handled');
          }
        },
      }),
    );
  }

  /**
   * Serves a dead frontend's subjects for the jobs adopted from it. Requests about jobs this
   * frontend does not own get no answer: another adopter may own them and must be the one to reply.
   * Task ends carried on a getTask or in a batch are left alone here: unacknowledged, each comes
   * again as a taskEnded request, which names the one job it is about.
   */
  private serveAdoptedSubjects(frontendId: string, gate: Promise<void>): void {
    if (this.served.has(frontendId)) return;
    this.served.add(frontendId);
    const { nc, names } = this.ctx;
    const scheduler = this.scheduler!;
    const onlyOwned =
      (handle: (msg: Msg, jobId: string) => Promise<unknown>) => (_err: unknown, msg: Msg) => {
        void (async () => {
          await gate;
          let request: { jobId?: string };
          try {
            request = decode(msg.data);
          } catch {
            return;
          }
          if (typeof request?.jobId !== 'string' || !scheduler.owned(request.jobId)) return;
          let reply: Reply<unknown>;
          try {
            reply = okReply(await handle(msg, request.jobId));
          } catch (err) {
            reply = errReply(err);
          }
          sendReply(msg, reply, this.logger);
        })();
      };
    this.subscriptions.push(
      nc.subscribe(names.frontend(frontendId, 'getTask'), {
        callback: onlyOwned((msg) => scheduler.getTask(decode(msg.data))),
      }),
      nc.subscribe(names.frontend(frontendId, 'taskEnded'), {
        callback: onlyOwned(async (msg) => {
          await scheduler.taskEnded(decode(msg.data));
          return true;
        }),
      }),
      // A launch the dead frontend offered and the node answered late is recorded, not run twice.
      nc.subscribe(names.frontend(frontendId, 'offers'), {
        callback: onlyOwned(async (msg) => scheduler.offersAnswered(decode(msg.data))),
      }),
      nc.subscribe(names.frontend(frontendId, 'cancel'), {
        callback: onlyOwned((msg, jobId) =>
          scheduler.cancel(jobId, decode<{ reason?: string }>(msg.data).reason),
        ),
      }),
    );
  }
}
