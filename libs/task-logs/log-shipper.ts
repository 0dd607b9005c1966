import type { JetStreamClient } from '@nats-io/jetstream';
import { Backoff, encode, type Logger } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import type { DropBound, LogBatch, LogLine, LogOrigin, LogStream } from './log-batch.ts';

export interface LogShipperLimits {
  /** Lines one attempt may send; the rest are counted as dropped (`lines`). */
  maxLinesPerAttempt: number;
  /** Lines the node holds that the stream has not acknowledged yet; past it lines are dropped (`buffer`). */
  bufferLines: number;
  /** How long a batch is retried before its lines count as dropped (`unacknowledged`). */
  retryMs: number;
  /** A batch goes out at this many lines... */
  batchLines?: number;
  /** ...or this many bytes of text... */
  batchBytes?: number;
  /** ...or once its first line waited this long (ms). */
  lingerMs?: number;
  /** How long one publish waits for the stream's acknowledgement (ms). */
  ackTimeoutMs?: number;
}

export interface LogShipperOptions extends LogShipperLimits {
  js: JetStreamClient;
  names: Names;
  nodeId: string;
  logger: Logger;
  now: () => number;
}

/**
 * Ships task output to the logs stream. Lines are acknowledged, not fire-and-forget: a publish the
 * stream did not acknowledge is retried (with the same message id, so a retry of a stored batch
 * is not stored twice). To keep that cheap, an attempt's lines travel in batches — one message and
 * one acknowledgement per batch — and its batches go one after the other, so they are stored in
 * order. Nothing is lost silently: whatever a bound leaves out is counted in the attempt's next
 * batch (its last one at the latest), naming the bound.
 */
export class LogShipper {
  /** Lines accepted and not yet acknowledged (or given up on). */
  held = 0;
  private readonly attempts = new Set<AttemptLog>();

  constructor(readonly options: LogShipperOptions) {}

  open(origin: Omit<LogOrigin, 'nodeId'>): AttemptLog {
    const log = new AttemptLog(this, { ...origin, nodeId: this.options.nodeId }, () =>
      this.attempts.delete(log),
    );
    this.attempts.add(log);
    return log;
  }

  /** Sends what every open attempt holds and waits for it (at most `timeoutMs`). */
  async close(timeoutMs: number): Promise<void> {
    await Promise.all([...this.attempts].map((log) => log.end(timeoutMs)));
  }
}

/** The output of one attempt on its way to the stream. */
export class AttemptLog {
  private readonly subject: string;
  private pending: LogLine[] = [];
  private pendingBytes = 0;
  private dropped: Partial<Record<DropBound, number>> = {};
  private written = 0;
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly shipper: LogShipper,
    private readonly origin: LogOrigin,
    private readonly forget: () => void,
  ) {
    this.subject = shipper.options.names.taskLogs(origin.jobId, origin.unit);
  }

  write(line: string, stream: LogStream): void {
    const o = this.shipper.options;
    this.written++;
    if (this.written > o.maxLinesPerAttempt) {
      this.drop('lines', 1);
      return;
    }
    if (this.shipper.held >= o.bufferLines) {
      this.drop('buffer', 1);
      return;
    }
    this.pending.push({ stream, line, time: o.now() });
    this.shipper.held++;
    this.pendingBytes += line.length;
    if (this.pending.length >= (o.batchLines ?? 500) || this.pendingBytes >= (o.batchBytes ?? 128 * 1024))
      this.flush();
    else this.timer ??= setTimeout(() => this.flush(), o.lingerMs ?? 20);
  }

  /**
   * Sends the rest and resolves once every batch of the attempt was acknowledged, or after
   * `timeoutMs` (the batches still go on being retried). Its end is reported after this, so a
   * reader that follows the job's subject hears the lines before it hears the end.
   */
  async end(timeoutMs: number): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.flush();
      void this.sending.then(this.forget);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sending,
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private drop(bound: DropBound, count: number): void {
    this.dropped[bound] = (this.dropped[bound] ?? 0) + count;
    // The count needs a batch to travel in even when no line follows.
    this.timer ??= setTimeout(() => this.flush(), this.shipper.options.lingerMs ?? 20);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && Object.keys(this.dropped).length === 0) return;
    const batch: LogBatch = { ...this.origin, seq: this.seq++, lines: this.pending };
    if (Object.keys(this.dropped).length > 0) batch.dropped = this.dropped;
    this.pending = [];
    this.pendingBytes = 0;
    this.dropped = {};
    this.sending = this.sending.then(() => this.send(batch));
  }

  private async send(batch: LogBatch): Promise<void> {
    const o = this.shipper.options;
    const data = encode(batch);
    const msgID = `${batch.attemptId}.${batch.seq}`;
    const giveUpAt = Date.now() + o.retryMs;
    const pause = new Backoff(50, 2_000);
    for (;;) {
      try {
        await o.js.publish(this.subject, data, { msgID, timeout: o.ackTimeoutMs ?? 5_000 });
        this.shipper.held -= batch.lines.length;
        return;
      } catch (err) {
        if (Date.now() >= giveUpAt) {
          this.shipper.held -= batch.lines.length;
          o.logger.warn({ err, attemptId: batch.attemptId, lines: batch.lines.length }, 'log lines dropped');
          // Carried by the next batch, with the counts this one carried.
          for (const [bound, count] of Object.entries(batch.dropped ?? {}) as [DropBound, number][])
            this.dropped[bound] = (this.dropped[bound] ?? 0) + count;
          this.dropped.unacknowledged = (this.dropped.unacknowledged ?? 0) + batch.lines.length;
          if (this.ended) this.flush();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, pause.next()));
      }
    }
  }
}
