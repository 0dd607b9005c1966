import {
  evolveRegistry,
  evolveRuns,
  initialRegistry,
  initialRunsState,
  REGISTRY_EVENT_TYPES,
  type RegistryEvent,
  type RunEvent,
} from '@passerine/batch';
import type { EventEnvelope, Logger } from '@passerine/core';
import { type EventLog, type Projector, runProjector } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';

/**
 * A dispatcher's projection of every batch event: the registered definitions, the runs, and the
 * last sequence of each subject (what an admission append is fenced on).
 */
export class BatchView {
  readonly registry = initialRegistry();
  readonly runs = initialRunsState();
  /** When each job was (last) registered: a job never run resumes its schedule from there. */
  readonly registeredAt = new Map<string, number>();
  private readonly seqs = new Map<string, number>();
  private projector?: Projector;
  private waiters: { seq: number; wake: () => void }[] = [];
  private applied = 0;
  /** Called after each commit the view applies (triggers look again). */
  onChange?: (subject: string) => void;

  constructor(
    private readonly log: EventLog,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.projector = runProjector({
      log: this.log,
      filter: this.names.allBatchEvents,
      evolve: (event) => this.apply(event),
      onCommit: (record) => {
        this.seqs.set(record.subject, Math.max(this.seqs.get(record.subject) ?? 0, record.seq));
        this.applied = record.seq;
        const woken = this.waiters.filter((w) => w.seq <= record.seq);
        this.waiters = this.waiters.filter((w) => w.seq > record.seq);
        for (const w of woken) w.wake();
        this.onChange?.(record.subject);
      },
      onProblem: (problem) => this.logger.warn({ problem }, 'batch event skipped'),
      logger: this.logger,
    });
    await this.projector.caughtUp;
  }

  async stop(): Promise<void> {
    await this.projector?.stop();
    for (const w of this.waiters) w.wake();
  }

  /** The last sequence of a subject as far as this view has read. */
  subjectSeq(subject: string): number {
    return this.seqs.get(subject) ?? 0;
  }

  /** Applies events this replica appended, without waiting for the log to bring them back. */
  applyOwn(subject: string, seq: number, events: EventEnvelope[]): void {
    for (const event of events) this.apply(event);
    this.seqs.set(subject, Math.max(this.seqs.get(subject) ?? 0, seq));
  }

  /** Resolves once the view has applied the log up to `seq` (or after `timeoutMs`). */
  caughtUpTo(seq: number, timeoutMs = 5_000): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ seq, wake });
    });
  }

  private apply(event: EventEnvelope): void {
    if (REGISTRY_EVENT_TYPES.has(event.type)) {
      evolveRegistry(this.registry, event as unknown as RegistryEvent);
      if (event.type === 'JobDefinitionRegistered') {
        this.registeredAt.set((event.data as { definition: { name: string } }).definition.name, event.time);
      }
      return;
    }
    evolveRuns(this.runs, event as unknown as RunEvent & { time: number });
  }
}
