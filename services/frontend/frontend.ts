import type { KV } from '@nats-io/kv';
import type { Subscription } from '@nats-io/transport-node';
import { encode, type Logger } from '@passerine/core';
import { eventLogOf, SnapshotStore } from '@passerine/eventlog';
import { KeyBudgets } from '@passerine/key-limits';
import { chooseAdopter } from '@passerine/scheduling';
import { createMetrics } from '@passerine/metrics';
import { IDEMPOTENCY_WINDOW_MS } from '@passerine/workqueue';
import { type Service, type ServiceContext, serveRpc } from '@passerine/natsconn';
import {
  createMessageCounter,
  type FrontendAdvert,
  type MessageCounter,
  type NodeAdvert,
  openMembershipBucket,
} from '@passerine/scheduling-protocol';
import { ActiveJobsCheckpoint } from './active-jobs-checkpoint.ts';
import { adoptOrphans } from './adoption.ts';
import { FrontendSubjects } from './frontend-subjects.ts';
import { IdempotentSubmits } from './idempotent-submits.ts';
import { JobKeys, openJobKeyBucket } from './job-keys.ts';
import { JobControl } from './job-control.ts';
import { JobWriter } from './job-writer.ts';
import { MembershipView } from '@passerine/scheduling-protocol';
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
  private nodes?: MembershipView<NodeAdvert>;
  private frontends?: MembershipView<FrontendAdvert>;
  private frontendBucket?: KV;
  private scheduler?: Scheduler;
  private acks?: ReportAcks;
  private subjects?: FrontendSubjects;
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
    const log = eventLogOf(nc, names);
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
      // A cordoned node is not sampled; it is not lost either: its running tasks end as usual.
      usable: (node) => node.cordoned !== true,
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
      metrics: this.ctx.metrics ?? createMetrics(),
      maxActiveJobs: this.options.maxActiveJobs,
      lendAfterMs: this.options.lendAfterMs,
      nodeWaitMs: this.options.nodeWaitMs,
      budgets: new KeyBudgets({
        nc,
        bucket: names.keyLimitBucket,
        leaseMs: this.options.keyLeaseMs,
        now,
        logger: this.logger,
      }),
      keyWaitMs: this.options.keyWaitMs,
    });
    this.scheduler = scheduler;
    this.acks = new ReportAcks(nc, names, this.counter);
    this.subjects = new FrontendSubjects({
      nc,
      names,
      scheduler,
      acks: this.acks,
      counter: this.counter,
      logger: this.logger,
      onReported: (jobId) => {
        for (const pump of this.pumps) pump.taskReported(jobId);
      },
    });
    const control = new JobControl(nc, names, log, scheduler, this.logger);
    const submits = new IdempotentSubmits({
      keys: new JobKeys(() => openJobKeyBucket(nc, names, IDEMPOTENCY_WINDOW_MS), IDEMPOTENCY_WINDOW_MS, now),
      scheduler,
      log,
      names,
      logger: this.logger,
      now,
    });
    await this.advertise();
    await Promise.all([this.nodes.start(), this.frontends.start()]);
    this.subjects.serveOwn(this.id);
    const queue = names.queueGroup('frontend');
    const rpc = { queue, logger: this.logger };
    this.subscriptions.push(
      serveRpc(nc, names.submitJob, (input) => submits.submit(input), rpc),
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
    this.subjects?.stop();
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
        eventLogOf(this.ctx.nc, this.ctx.names),
        this.ctx.names,
        scheduler,
        (owner) => this.shouldAdopt(owner),
        this.logger,
        this.checkpoint,
      );
      for (const id of previousOwners) this.subjects?.serveAdopted(id, Promise.resolve());
      for (const pump of this.pumps) pump.adopted(adopted);
    });
    this.adopting = sweep.catch((err) => this.logger.error({ err }, 'adoption failed'));
    for (const id of dead) this.subjects?.serveAdopted(id, this.adopting);
  }
}
