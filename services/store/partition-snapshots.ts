import type { Logger } from '@passerine/core';
import type { GroupCommitter, Snapshot, SnapshotStore } from '@passerine/eventlog';
import * as wq from '@passerine/workqueue';
import { encodeSnapshot, yieldToEventLoop } from './snapshot-encoding.ts';

/** Events between snapshots at the least, when the options name none. */
const DEFAULT_SNAPSHOT_EVERY = 200_000;
/** Units a snapshot copies between two turns of the event loop: tens of milliseconds. */
const SNAPSHOT_UNITS_PER_STEP = 50_000;

/** What the snapshots of a namespace read of its partition. */
export interface SnapshotSubject {
  leading(): boolean;
  /** The leader's writer: the sequence a snapshot covers is its last. */
  committer(): GroupCommitter | undefined;
  state(): wq.NamespaceState;
}

export interface PartitionSnapshotOptions {
  store?: SnapshotStore;
  /** The namespace's object in the snapshot store. */
  name: string;
  /** Events a leader appends before it takes a snapshot (when its writes are all acknowledged). */
  every?: number;
  /** Units a snapshot copies between two turns of the event loop. */
  unitsPerStep?: number;
  logger: Logger;
}

/**
 * When a namespace's leader snapshots its state, and how: a consistent pair of sequence and state,
 * copied in steps while the partition's operations wait (see whileCopying), then encoded and saved
 * beside them.
 */
export class PartitionSnapshots {
  private eventsSince = 0;
  /** Set when compaction waits on this namespace (see want). */
  private wanted = false;
  private frozen?: Promise<void>;
  private running?: Promise<void>;

  constructor(
    private readonly subject: SnapshotSubject,
    private readonly o: PartitionSnapshotOptions,
  ) {}

  /** Set while a snapshot copies the state: an operation awaits it before it reads or changes the state. */
  get whileCopying(): Promise<void> | undefined {
    return this.frozen;
  }

  /** Events the leader appended: what makes the next snapshot due. */
  appended(events: number): void {
    this.eventsSince += events;
  }

  /** The newest snapshot, to restore from; null when there is none or no store. */
  async load(): Promise<Snapshot | null> {
    return (await this.o.store?.load(this.o.name)) ?? null;
  }

  /** A snapshot still saving (a clean stop waits for it before it takes the last). */
  async settled(): Promise<void> {
    await this.running;
  }

  /**
   * Asked by compaction when the event stream has grown past its mark: only history below each
   * namespace's newest snapshot can leave the stream, and a large namespace's threshold (its units)
   * may be further off than the stream's room. A snapshot is taken as soon as `every` events have
   * passed since the last.
   */
  want(): void {
    if (!this.subject.leading()) return;
    this.wanted = true;
    void this.maybe();
  }

  /** Saves a snapshot when enough has happened since the last one (or `force`, on a clean stop). */
  async maybe(force = false): Promise<void> {
    const threshold = this.wanted ? this.floor() : this.threshold();
    const due = force ? this.eventsSince > 0 : this.eventsSince >= threshold;
    if (!this.o.store || !due || this.running || !this.subject.leading()) return;
    this.running = this.take().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private floor(): number {
    return this.o.every ?? DEFAULT_SNAPSHOT_EVERY;
  }

  /**
   * Events between snapshots: at least `every`, and at least as many as the namespace has units.
   * A snapshot costs time in proportion to the state, a replay in proportion to the tail, so this
   * keeps the snapshot cost amortised over as many events as it saves replaying.
   */
  private threshold(): number {
    let units = 0;
    for (const spec of this.subject.state().specs.values()) units += spec.units.size;
    return Math.max(this.floor(), units);
  }

  private async take(): Promise<void> {
    const started = performance.now();
    const point = await this.point();
    if (!point) return;
    this.wanted = false;
    this.eventsSince = 0;
    await this.save(point, Math.round(performance.now() - started));
  }

  /**
   * Sequence and state as one consistent pair, or null once the lead is lost meanwhile. The copy
   * takes seconds at millions of units, so it goes in steps with the event loop served between
   * them: the lease is renewed on time whatever the size, while operations wait for the copy to
   * end (nothing may change the state under it).
   */
  private async point(): Promise<{ seq: number; snapshot: wq.NamespaceSnapshot } | null> {
    let thaw!: () => void;
    this.frozen = new Promise<void>((resolve) => {
      thaw = resolve;
    });
    try {
      // Under sustained load appends are always in flight: new operations wait while those
      // already decided are acknowledged, and then the sequence matches the state.
      const committer = this.subject.committer();
      await committer?.whenIdle();
      if (!committer || !this.subject.leading() || committer !== this.subject.committer()) return null;
      const seq = committer.knownLastSeq;
      const steps = wq.snapshotSteps(this.subject.state(), this.o.unitsPerStep ?? SNAPSHOT_UNITS_PER_STEP);
      for (;;) {
        const step = steps.next();
        if (step.done) return { seq, snapshot: step.value };
        await yieldToEventLoop();
        if (!this.subject.leading()) return null;
      }
    } finally {
      this.frozen = undefined;
      thaw();
    }
  }

  private async save(point: { seq: number; snapshot: wq.NamespaceSnapshot }, copyMs: number): Promise<void> {
    try {
      const bytes = await encodeSnapshot(point.snapshot);
      await this.o.store!.save(this.o.name, point.seq, bytes);
      // Operations waited for the copy; the encoding and the save run beside them.
      this.o.logger.info({ seq: point.seq, bytes: bytes.length, copyMs }, 'snapshot saved');
    } catch (err) {
      this.o.logger.warn({ err }, 'snapshot failed');
    }
  }
}
