import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  type EventEnvelope,
  limits,
  TooLargeError,
  UnavailableError,
} from '@passerine/core';
import { encodeEvent, joinEncodedEvents } from './commit-codec.ts';
import type { EventLog } from './types.ts';

export interface GroupCommitOptions {
  /** Fence every commit on the subject's last sequence (a leader's writes). */
  fenced?: boolean;
  /** With `fenced`: the subject's last sequence the writer has seen. */
  lastSeq?: number;
  maxBytes?: number;
  maxEvents?: number;
  /** Commits in flight at once; a fenced writer always has one, since each needs the previous ack. */
  maxInFlight?: number;
  /** Told of every acknowledged commit (for metrics); the log knows no metrics library. */
  observer?: CommitObserver;
  /**
   * With `fenced`: a commit the log did not answer (a NATS node or stream leader lost mid-write)
   * is sent again, unchanged, for this long (ms) before it fails. For writers that cannot re-sync
   * by themselves; must stay below the stream's duplicate window.
   */
  resendUnansweredMs?: number;
}

export interface CommitObserver {
  committed(seconds: number, events: number): void;
}

export interface GroupAppendResult {
  seq: number;
  /** Position of this caller's first event inside the commit. */
  index: number;
}

interface Waiting {
  parts: Uint8Array[];
  bytes: number;
  resolve: (r: GroupAppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: appends arriving while earlier commits are in flight wait and then go out
 * together as one message, so the message rate, not the event rate, meets JetStream's ack
 * limit. Idle, an append goes out at once (no added latency); under load batches grow by
 * themselves. Every caller still gets its own result or error.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private lastSeq: number;
  private failure?: unknown;
  private pumpScheduled = false;
  private readonly fenced: boolean;
  private readonly maxBytes: number;
  private readonly maxEvents: number;
  private readonly maxInFlight: number;
  private readonly observer?: CommitObserver;
  private readonly resendUnansweredMs: number;

  constructor(
    private readonly log: EventLog,
    private readonly subject: string,
    options: GroupCommitOptions = {},
  ) {
    this.fenced = options.fenced ?? false;
    this.lastSeq = options.lastSeq ?? 0;
    this.maxBytes = options.maxBytes ?? limits.groupCommitMaxBytes;
    this.maxEvents = options.maxEvents ?? limits.groupCommitMaxEvents;
    this.maxInFlight = this.fenced ? 1 : (options.maxInFlight ?? 4);
    this.observer = options.observer;
    this.resendUnansweredMs = this.fenced ? (options.resendUnansweredMs ?? 0) : 0;
  }

  /** Nothing queued and nothing in flight: everything appended so far is acknowledged. */
  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0;
  }

  /** Resolves once nothing is queued or in flight: at once when idle, else when the last answer comes. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The subject's last sequence as this writer knows it. */
  get knownLastSeq(): number {
    return this.lastSeq;
  }

  append(events: EventEnvelope[]): Promise<GroupAppendResult> {
    if (this.failure) return Promise.reject(this.failure);
    const parts = events.map(encodeEvent);
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    // One append larger than a batch bound still goes out, alone: a command's events are one
    // commit. The log refuses it if it does not fit in a message.
    if (parts.length > this.maxEvents) {
      return Promise.reject(
        new TooLargeError(
          `one append of ${parts.length} events is over the limit of ${this.maxEvents} events; split it`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ parts, bytes, resolve, reject });
      this.schedulePump();
    });
  }

  /**
   * Appends made in the same turn of the event loop (say, every request in one socket read) go
   * out together: the pump runs once the turn's callbacks are done, costing microseconds rather
   * than the extra ack round trip a lone first commit would make the rest wait for.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** After a ConcurrencyError the committer refuses appends until the writer re-syncs. */
  reset(lastSeq: number): void {
    this.failure = undefined;
    this.lastSeq = lastSeq;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0 && !this.failure) {
      this.flush(this.takeBatch());
    }
    if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let bytes = 0;
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (
        batch.length > 0 &&
        (bytes + next.bytes > this.maxBytes || events + next.parts.length > this.maxEvents)
      )
        break;
      batch.push(next);
      this.queue.shift();
      bytes += next.bytes;
      events += next.parts.length;
    }
    return batch;
  }

  private flush(batch: Waiting[]): void {
    this.inFlight++;
    const parts: Uint8Array[] = [];
    const starts: number[] = [];
    for (const w of batch) {
      starts.push(parts.length);
      for (const p of w.parts) parts.push(p);
    }
    const payload = joinEncodedEvents(parts);
    // A resent commit carries the id of the first send: if that one landed and only its answer was
    // lost, JetStream answers the resend as a duplicate (checked before the fence) with its sequence.
    const options = this.fenced
      ? {
          expectedLastSubjectSeq: this.lastSeq,
          ...(this.resendUnansweredMs > 0 && { msgId: randomUUID() }),
        }
      : undefined;
    const sentAt = performance.now();
    const send = (): void => {
      this.log.appendEncoded(this.subject, payload, options).then(
        (result) => {
          this.inFlight--;
          this.observer?.committed((performance.now() - sentAt) / 1000, parts.length);
          if (result.seq > this.lastSeq) this.lastSeq = result.seq;
          for (let i = 0; i < batch.length; i++) batch[i].resolve({ seq: result.seq, index: starts[i] });
          this.pump();
        },
        (err) => {
          const waited = performance.now() - sentAt;
          if (err instanceof UnavailableError && waited < this.resendUnansweredMs) {
            setTimeout(send, Math.min(1_000, 100 + waited / 4));
            return;
          }
          this.failed(batch, err);
        },
      );
    };
    send();
  }

  private failed(batch: Waiting[], err: unknown): void {
    this.inFlight--;
    for (const w of batch) w.reject(err);
    const nothingSent = err instanceof TooLargeError;
    if (!nothingSent && (this.fenced || err instanceof ConcurrencyError)) {
      // Everything queued was decided on a state that is now stale (or, after a failed
      // fenced write, the last sequence is unknown): fail it all until the writer re-syncs.
      this.failure = err;
      for (const w of this.queue.splice(0)) w.reject(err);
    }
    this.pump();
  }
}
