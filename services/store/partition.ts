import type { Subscription } from '@nats-io/transport-node';
import {
  decode,
  type EventEnvelope,
  type EventVersions,
  type Logger,
  NotFoundError,
  UnavailableError,
} from '@passerine/core';
import {
  GroupCommitter,
  type JetStreamEventLog,
  type Projector,
  runProjector,
  type SnapshotStore,
} from '@passerine/eventlog';
import type { PasserineMetrics } from '@passerine/metrics';
import { type ServiceContext, serveRpc } from '@passerine/natsconn';
import * as wq from '@passerine/workqueue';
import { isOperation, runCommand, runOperation } from './executor.ts';
import type { LeaderLease } from './leader-lease.ts';
import { PartitionMetrics, tracedAppend } from './partition-metrics.ts';
import { PartitionSnapshots } from './partition-snapshots.ts';
import { MAX_TICK_INTERVAL_MS, tickCommands } from './timers.ts';
import { asWritten, newerEventStop } from './written-versions.ts';

/** Written by a new leader, fenced on the last sequence it caught up to: it fences out the old one. */
export const LEADER_ELECTED = 'StoreLeaderElected';

/** `outdated`: the log holds an event newer than this build reads; it stops applying and never leads. */
export type Role = 'standby' | 'taking-over' | 'leader' | 'stopped' | 'outdated';

export interface PartitionOptions {
  ctx: ServiceContext;
  namespace: string;
  log: JetStreamEventLog;
  lease: LeaderLease;
  holderId: string;
  random?: () => number;
  snapshots?: SnapshotStore;
  /** Events a leader appends before it takes a snapshot (when its writes are all acknowledged). */
  snapshotEvery?: number;
  /** Units a snapshot copies between two turns of the event loop. */
  snapshotUnitsPerStep?: number;
  metrics: PasserineMetrics;
  /** This build's event versions (maybe pinned lower): what it reads. */
  versions: EventVersions;
  /** The version of an event type the version gate lets this replica write now. */
  writeVersion: (type: string) => number;
}

/**
 * One namespace on one store replica. As a standby it follows the log into memory; when it wins
 * the lease it catches up to the fence, stops following, and from then on is the only writer:
 * it decides, applies and appends (fenced group commit), and answers. Losing the lease or a
 * fenced append makes it drop its state and become a standby again — its in-memory state may
 * hold events that never reached the log.
 */
export class NamespacePartition {
  state = wq.createNamespaceState();
  role: Role = 'standby';
  private projectorReady?: Promise<Projector>;
  private committer?: GroupCommitter;
  private subscription?: Subscription;
  private unserveLocal?: () => void;
  private timer?: NodeJS.Timeout;
  /** When the pending tick fires (ms); a command only brings it earlier, never later. */
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly logger: Logger;
  private readonly subject: string;
  private readonly random: () => number;
  readonly snapshots: PartitionSnapshots;
  private readonly figures: PartitionMetrics;
  /** Why this replica stopped applying the namespace's log, once it met an event too new for it. */
  outdatedReason?: string;

  constructor(private readonly o: PartitionOptions) {
    this.logger = o.ctx.logger.child({ namespace: o.namespace });
    this.subject = o.ctx.names.namespaceEvents(o.namespace);
    this.random = o.random ?? Math.random;
    this.figures = new PartitionMetrics(o.metrics, o.namespace);
    this.snapshots = new PartitionSnapshots(
      { leading: () => this.role === 'leader', committer: () => this.committer, state: () => this.state },
      {
        store: o.snapshots,
        name: `workqueue-${this.subject}`.replace(/[^A-Za-z0-9_-]/g, '_'),
        every: o.snapshotEvery,
        unitsPerStep: o.snapshotUnitsPerStep,
        logger: this.logger,
      },
    );
  }

  start(): void {
    this.follow();
  }

  /** Called on every lease tick: renew when leading, try to lead when standing by. */
  async onLeaseTick(): Promise<void> {
    if (this.role === 'leader') {
      if (!(await this.o.lease.renew())) this.stepDown(`lease lost: ${this.o.lease.lostBecause}`);
    } else if (this.role === 'standby' && (await this.o.lease.tryAcquire())) {
      await this.takeOver().catch((err) => {
        if (newerEventStop(err)) return this.becomeOutdated(err);
        this.stepDown(`take-over failed: ${(err as Error).message}`);
      });
    }
  }

  async stop(): Promise<void> {
    const wasLeader = this.role === 'leader';
    if (wasLeader) {
      // A periodic snapshot still saving would be cut off by the exit; the forced one then
      // covers what came after it.
      await this.snapshots.settled();
      await this.snapshots.maybe(true);
    }
    this.role = 'stopped';
    this.figures.notLeading('stopped');
    this.unserve();
    await (await this.projectorReady)?.stop();
    if (wasLeader) await this.o.lease.release();
  }

  /** Restores the newest snapshot (if any) and follows the log from the sequence it covers. */
  private follow(): void {
    this.state = wq.createNamespaceState();
    const projector = (async () => {
      const started = performance.now();
      const snapshot = await this.snapshots.load().catch((err) => {
        this.logger.warn({ err }, 'snapshot unreadable; replaying the whole log');
        return null;
      });
      const checkpoint = snapshot ? this.restore(snapshot, started) : 0;
      return runProjector({
        log: this.o.log,
        filter: this.o.ctx.names.namespaceFilter(this.o.namespace),
        checkpoint,
        evolve: (event) => this.apply(event),
        logger: this.logger,
      });
    })();
    this.projectorReady = projector;
    void projector.then((p) =>
      p.done.catch((err) => {
        if (this.projectorReady !== projector) return;
        if (newerEventStop(err)) this.becomeOutdated(err);
        else this.logger.error({ err }, 'projection stopped');
      }),
    );
  }

  /**
   * The log holds an event newer than this build reads: applying it as an older one would give a
   * wrong state, and so would skipping it. This replica stops applying the namespace and never
   * leads it; the replicas that read it carry on. Upgrading this replica (a restart with the
   * newer build) replays the namespace from its snapshot or the start.
   */
  private becomeOutdated(err: unknown): void {
    if (this.role === 'outdated' || this.role === 'stopped') return;
    const wasTakingOver = this.role === 'taking-over';
    this.role = 'outdated';
    this.outdatedReason = newerEventStop(err);
    this.logger.error(
      { reason: this.outdatedReason },
      `namespace ${this.o.namespace} no longer applied on this replica: ${this.outdatedReason}`,
    );
    if (wasTakingOver) void this.o.lease.release();
  }

  /** The state from a snapshot, and the sequence it covers; 0 (replay it all) when it cannot be read. */
  private restore(snapshot: { seq: number; data: Uint8Array }, started: number): number {
    const loaded = performance.now();
    try {
      this.state = wq.restoreNamespace(decode(snapshot.data));
    } catch (err) {
      // An older snapshot version, or a damaged one: the log holds everything it did.
      this.logger.warn({ err, seq: snapshot.seq }, 'snapshot not restorable; replaying the whole log');
      this.state = wq.createNamespaceState();
      return 0;
    }
    this.logger.info(
      {
        seq: snapshot.seq,
        bytes: snapshot.data.length,
        loadMs: loaded - started,
        restoreMs: performance.now() - loaded,
      },
      'snapshot restored',
    );
    return snapshot.seq;
  }

  private apply(event: EventEnvelope): void {
    if (event.type === LEADER_ELECTED) return;
    // Throws EventVersionError for an event newer than this build (or its pin) reads.
    this.state = wq.evolve(this.state, this.o.versions.upcast(event));
  }

  private async takeOver(): Promise<void> {
    this.role = 'taking-over';
    const fence = await this.o.log.lastSubjectSeq(this.subject);
    const projector = await this.projectorReady!;
    await projector.caughtUp;
    const deadline = Date.now() + 10_000;
    while (projector.checkpoint() < fence) {
      if (Date.now() > deadline) throw new UnavailableError(`cannot catch up to sequence ${fence}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await projector.stop();
    this.projectorReady = undefined;
    this.committer = new GroupCommitter(this.o.log, this.subject, {
      fenced: true,
      lastSeq: fence,
      observer: this.figures.commits,
    });
    const now = this.o.ctx.clock.now();
    await this.committer.append([
      {
        type: LEADER_ELECTED,
        v: 1,
        time: now,
        id: this.o.ctx.ids.next(),
        data: { holder: this.o.holderId, fence },
      },
    ]);
    if ((this.role as Role) !== 'taking-over') return;
    this.role = 'leader';
    this.figures.leading(() => this.state);
    this.serve();
    this.scheduleTick();
    this.logger.info({ fence }, 'leading namespace');
  }

  private stepDown(reason: string): void {
    if (this.role === 'stopped' || this.role === 'standby' || this.role === 'outdated') return;
    this.logger.warn({ reason }, 'stepping down');
    this.figures.notLeading('stepped_down');
    this.unserve();
    this.committer = undefined;
    void this.o.lease.release();
    this.role = 'standby';
    void this.projectorReady?.then((p) => p.stop());
    this.follow();
  }

  private serve(): void {
    const prefix = this.o.ctx.names.workQueueRpc(this.o.namespace, 'x').slice(0, -1);
    const answer = (op: string, request: unknown) => {
      if (!isOperation(op)) throw new NotFoundError(`no such operation ${JSON.stringify(op)}`);
      return this.figures.operation(op, async () => {
        // Awaited only when set: an await per operation would cost every request a turn.
        if (this.snapshots.whileCopying) await this.snapshots.whileCopying;
        this.assertLeading();
        return this.commit(
          runOperation(this.state, op, request, this.o.ctx.clock.now(), this.o.ctx.ids, this.random),
        );
      });
    };
    this.subscription = serveRpc(
      this.o.ctx.nc,
      `${prefix}*`,
      (request, msg) => answer(msg.subject.slice(prefix.length), request),
      { logger: this.logger },
    );
    this.unserveLocal = this.o.ctx.local?.serve(prefix, answer, this.logger);
  }

  private unserve(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.unserveLocal?.();
    this.unserveLocal = undefined;
    clearTimeout(this.timer);
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private async execute(run: () => { events: EventEnvelope[]; reply: unknown }): Promise<unknown> {
    if (this.snapshots.whileCopying) await this.snapshots.whileCopying;
    this.assertLeading();
    return this.commit(run());
  }

  private assertLeading(): void {
    if (this.role !== 'leader' || !this.committer) {
      throw new UnavailableError('this replica no longer leads the namespace; retry', { retryable: true });
    }
  }

  /** Appends what a request decided (already applied to the state), then answers. */
  private async commit({ events, reply }: { events: EventEnvelope[]; reply: unknown }): Promise<unknown> {
    if (events.length === 0) return reply;
    try {
      const committer = this.committer!;
      const written = asWritten(events, this.o.versions, this.o.writeVersion);
      await tracedAppend(events.length, () => committer.append(written));
    } catch (err) {
      // The state already holds these events: it no longer matches the log.
      this.stepDown(`append failed: ${(err as Error).message}`);
      throw new UnavailableError(`not recorded, retry: ${(err as Error).message}`);
    }
    this.snapshots.appended(events.length);
    this.scheduleTick();
    return reply;
  }

  private scheduleTick(): void {
    if (this.role !== 'leader') return;
    const now = this.o.ctx.clock.now();
    const next = wq.nextDeadline(this.state);
    const wait =
      next === null ? MAX_TICK_INTERVAL_MS : Math.min(MAX_TICK_INTERVAL_MS, Math.max(0, next - now));
    if (now + wait >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = now + wait;
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const command of tickCommands) {
      if (this.role !== 'leader') return;
      try {
        await this.execute(() =>
          runCommand(this.state, command, this.o.ctx.clock.now(), this.o.ctx.ids, this.random),
        );
      } catch (err) {
        this.logger.warn({ err, command: command.type }, 'tick failed');
      }
    }
    void this.snapshots.maybe();
    this.scheduleTick();
  }
}
