import type { NatsConnection } from '@nats-io/transport-node';
import { encode, type Logger } from '@passerine/core';
import type { ExecutionResult, OutputStream } from '@passerine/executors';
import {
  type LaunchSpec,
  TASK_LIMITS,
  type TaskNotice,
  type TaskOutcome,
} from '@passerine/scheduling-protocol';

/** What a task wrote to one stream, kept up to a limit; past it the rest is counted as cut. */
class Captured {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  add(chunk: Uint8Array): void {
    const room = this.limit - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  /** A multi-byte character cut at the limit decodes to one replacement character. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Bytes of notices to one subject past which they leave at once (a NATS message is 1 MiB at most). */
const BATCH_BYTES = 256 * 1024;

function sizeOf(notice: TaskNotice): number {
  if (notice.type === 'started') return 128;
  return (
    256 +
    (notice.value?.length ?? 0) +
    notice.stdout.length +
    notice.stderr.length +
    (notice.remoteStack?.length ?? 0)
  );
}

/**
 * Notices to submitters, sent once per event-loop turn per subject as one message (an array): a
 * map of many tasks ends many of them at a time on one node, and one message for each would cost
 * the node, the server and the submitter more than the tasks themselves.
 */
export class NoticeOutbox {
  private readonly pending = new Map<string, { notices: TaskNotice[]; bytes: number }>();
  private scheduled = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {}

  add(subject: string, notice: TaskNotice): void {
    let batch = this.pending.get(subject);
    if (!batch) {
      batch = { notices: [], bytes: 0 };
      this.pending.set(subject, batch);
    }
    const size = sizeOf(notice);
    if (batch.notices.length > 0 && batch.bytes + size > BATCH_BYTES)
      this.send(subject, batch.notices.splice(0));
    batch.notices.push(notice);
    batch.bytes = batch.notices.length === 1 ? size : batch.bytes + size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    for (const [subject, batch] of this.pending) this.send(subject, batch.notices);
    this.pending.clear();
  }

  private send(subject: string, notices: TaskNotice[]): void {
    try {
      this.nc.publish(subject, encode(notices));
    } catch (err) {
      // The connection is closing, or a notice alone is over the server's payload limit.
      this.logger.warn({ err, subject, notices: notices.length }, 'notices to a submitter not sent');
    }
  }
}

/**
 * The notices of one attempt to its submitter (the job's reply subject): its start when asked for,
 * and its outcome with the function's result and the bounded output. A notice is a plain publish
 * (through the outbox): the job's log is the record, and the job's end reaches the submitter on its
 * watch subject anyway.
 */
export class SubmitterNotices {
  private readonly stdout = new Captured(TASK_LIMITS.maxCapturedBytes);
  private readonly stderr = new Captured(TASK_LIMITS.maxCapturedBytes);
  readonly capture = (chunk: Uint8Array, stream: OutputStream) =>
    (stream === 'stdout' ? this.stdout : this.stderr).add(chunk);

  constructor(
    private readonly outbox: NoticeOutbox,
    private readonly spec: LaunchSpec & { reply: NonNullable<LaunchSpec['reply']> },
    private readonly nodeId: string,
  ) {}

  started(startedAt: number): void {
    if (!this.spec.reply.starts) return;
    const { jobId, taskId, attemptId } = this.spec;
    this.send({ type: 'started', jobId, taskId, attemptId, nodeId: this.nodeId, startedAt });
  }

  ended(result: ExecutionResult, startedAt: number, endedAt: number): void {
    const { jobId, taskId, attemptId } = this.spec;
    const outcome: TaskOutcome = {
      type: 'ended',
      jobId,
      taskId,
      attemptId,
      nodeId: this.nodeId,
      status: result.status,
      exitCode: result.exitCode,
      signal: result.signal,
      ...(result.error !== undefined && { error: result.error }),
      ...(result.errorName !== undefined && { errorName: result.errorName }),
      ...(result.stack !== undefined && { remoteStack: result.stack }),
      ...(result.setup && { setup: true }),
      ...(result.encodedValue !== undefined && { value: result.encodedValue }),
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      ...(this.stdout.truncated && { stdoutTruncated: true }),
      ...(this.stderr.truncated && { stderrTruncated: true }),
      startedAt,
      endedAt,
    };
    this.send(outcome);
  }

  private send(notice: TaskNotice): void {
    this.outbox.add(this.spec.reply.subject, notice);
  }
}

/** The notices of an attempt whose job asked for them. */
export function noticesFor(
  outbox: NoticeOutbox,
  spec: LaunchSpec,
  nodeId: string,
): SubmitterNotices | undefined {
  const reply = spec.reply;
  if (typeof reply?.subject !== 'string') return undefined;
  return new SubmitterNotices(outbox, { ...spec, reply }, nodeId);
}
