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

/**
 * The notices of one attempt to its submitter (the job's reply subject): its start when asked for,
 * and its outcome with the function's result and the bounded output. A notice is a plain publish:
 * the job's log is the record, and the job's end reaches the submitter on its watch subject anyway.
 */
export class SubmitterNotices {
  private readonly stdout = new Captured(TASK_LIMITS.maxCapturedBytes);
  private readonly stderr = new Captured(TASK_LIMITS.maxCapturedBytes);
  readonly capture = (chunk: Uint8Array, stream: OutputStream) =>
    (stream === 'stdout' ? this.stdout : this.stderr).add(chunk);

  constructor(
    private readonly nc: NatsConnection,
    private readonly spec: LaunchSpec & { reply: NonNullable<LaunchSpec['reply']> },
    private readonly nodeId: string,
    private readonly logger: Logger,
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
    try {
      this.nc.publish(this.spec.reply.subject, encode(notice));
    } catch (err) {
      // The connection is closing, or the notice is over the server's payload limit.
      this.logger.warn(
        { err, jobId: this.spec.jobId, taskId: this.spec.taskId },
        'notice to submitter not sent',
      );
    }
  }
}

/** The notices of an attempt whose job asked for them. */
export function noticesFor(
  nc: NatsConnection,
  spec: LaunchSpec,
  nodeId: string,
  logger: Logger,
): SubmitterNotices | undefined {
  const reply = spec.reply;
  if (typeof reply?.subject !== 'string') return undefined;
  return new SubmitterNotices(nc, { ...spec, reply }, nodeId, logger);
}
