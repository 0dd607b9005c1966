import type { Subscription } from '@nats-io/transport-node';
import type { ClusterCapacity, RunRequest } from '@passerine/batch';
import { JetStreamEventLog } from '@passerine/eventlog';
import { type Service, type ServiceContext, serveRpc } from '@passerine/natsconn';
import { MembershipView, type NodeAdvert, openMembershipBucket } from '@passerine/scheduling-protocol';
import { Admitter } from './admitter.ts';
import { BatchView } from './batch-view.ts';
import { DueRuns } from './due-runs.ts';
import { DISPATCHER_DEFAULTS, type DispatcherOptions } from './options.ts';
import { BatchRequests } from './requests.ts';
import { RunAttempts } from './run-attempts.ts';

/**
 * The Scalegrease dispatcher: cron ticks and data-set triggers become runs, and runs by hand and
 * backfills are asked of it. Any number of replicas run at once, with no leader: each decides what
 * is due and the fenced admission append lets one decision per tick or partition stand.
 */
export class Dispatcher implements Service {
  readonly name = 'dispatcher';
  private readonly options: DispatcherOptions;
  private readonly view: BatchView;
  private nodes?: MembershipView<NodeAdvert>;
  private admitter?: Admitter;
  private attempts?: RunAttempts;
  private due?: DueRuns;
  private subs: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;
  private triggersDirty = true;
  private lastSweep = 0;

  constructor(
    private readonly ctx: ServiceContext,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = { ...DISPATCHER_DEFAULTS, ...options };
    const log = new JetStreamEventLog(ctx.nc, { stream: ctx.names.eventStream });
    this.view = new BatchView(log, ctx.names, ctx.logger);
    this.view.onChange = (subject) => {
      if (subject === ctx.names.batchDatasets || subject === ctx.names.batchDefinitions)
        this.triggersDirty = true;
    };
    this.admitter = new Admitter({
      log,
      names: ctx.names,
      view: this.view,
      clock: ctx.clock,
      ids: ctx.ids,
      logger: ctx.logger,
      capacity: () => this.capacity(),
      backlogMultiple: this.options.backlogMultiple,
    });
  }

  async start(): Promise<void> {
    const { nc, names, clock, logger } = this.ctx;
    const staleAfterMs = Math.max(3 * this.options.heartbeatMs, 3_000);
    this.nodes = new MembershipView<NodeAdvert>({
      bucket: await openMembershipBucket(nc, names.nodeBucket),
      staleAfterMs,
      now: () => clock.now(),
      logger,
    });
    await this.nodes.start();
    await this.view.start();
    const admitter = this.admitter!;
    this.attempts = new RunAttempts({
      nc,
      names,
      view: this.view,
      admitter,
      clock,
      logger,
      sweepMs: this.options.sweepMs,
    });
    this.attempts.start();
    this.due = new DueRuns(this.view, this.options.graceMs, logger);
    const requests = new BatchRequests(this.view, this.ctx.ids, (runs) => this.admitAndSubmit(runs));
    const rpc = { queue: names.queueGroup('dispatcher'), logger };
    this.subs = [
      serveRpc(nc, names.batchRpc('dispatch'), (r) => requests.dispatch(r as never), rpc),
      serveRpc(nc, names.batchRpc('backfill'), (r) => requests.backfill(r as never), rpc),
      serveRpc(nc, names.batchRpc('status'), (r) => requests.status(r as never), rpc),
      serveRpc(nc, names.batchRpc('list'), (r) => requests.list(r as never), rpc),
    ];
    this.timer = setInterval(() => void this.turn(), this.options.tickMs);
    logger.info('dispatcher serving');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const sub of this.subs) sub.unsubscribe();
    this.attempts?.stop();
    this.nodes?.stop();
    await this.view.stop();
  }

  /** The live slots and the reservations queued at them, as node monitors advertise. */
  private capacity(): ClusterCapacity {
    let liveSlots = 0;
    let queued = 0;
    for (const node of this.nodes?.live() ?? []) {
      liveSlots += node.slots;
      queued += node.queueLength ?? 0;
    }
    return { liveSlots, queued };
  }

  /** Decides runs, then hands those this replica dispatched to the scheduler. */
  private async admitAndSubmit(runs: RunRequest[]) {
    const events = await this.admitter!.admit(runs);
    for (const event of events) {
      if (event.type !== 'RunDispatched') continue;
      const run = this.view.runs.runs.get(event.data.runId);
      if (run) void this.attempts!.submit(run);
    }
    return events;
  }

  /** One turn of the loop: due ticks, triggered partitions, and now and then the sweep. */
  private async turn(): Promise<void> {
    if (this.busy || !this.due) return;
    this.busy = true;
    try {
      const now = this.ctx.clock.now();
      const { requests, advance } = this.due.ticks(now);
      if (requests.length > 0) await this.admitAndSubmit(requests);
      advance();
      if (this.triggersDirty) {
        this.triggersDirty = false;
        const triggered = this.due.partitions();
        if (triggered.length > 0) await this.admitAndSubmit(triggered);
      }
      if (now - this.lastSweep >= this.options.sweepMs / 4) {
        this.lastSweep = now;
        await this.attempts?.sweep();
      }
    } catch (err) {
      this.triggersDirty = true;
      this.ctx.logger.warn({ err }, 'dispatch turn failed; the next turn tries again');
    } finally {
      this.busy = false;
    }
  }
}
