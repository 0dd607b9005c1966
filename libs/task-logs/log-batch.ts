import type { LogUnitName } from '@passerine/subjects';

export type LogStream = 'stdout' | 'stderr';

/** One output line of a task, as it was written. */
export interface LogLine {
  stream: LogStream;
  line: string;
  /** When the node read it (ms since the epoch, the node's clock). */
  time: number;
}

/**
 * The bounds past which a node drops output lines rather than hold them: `lines` is the attempt's
 * line limit (PASSERINE_TASK_MAX_OUTPUT_LINES), `buffer` the lines a node holds unacknowledged
 * (PASSERINE_LOG_BUFFER_LINES), `unacknowledged` a batch the logs stream did not take within the
 * retry deadline (PASSERINE_LOG_RETRY_MS).
 */
export type DropBound = 'lines' | 'buffer' | 'unacknowledged';

/** Which task of which job an attempt's lines belong to, and the unit it runs, if any. */
export interface LogOrigin {
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  unit?: LogUnitName;
}

/**
 * One message on the logs stream: a run of lines of one attempt, in order. Batches of an attempt
 * are numbered from 0 and stored one after the other; `dropped` counts the lines left out before
 * this batch's first line, by the bound that left them out.
 */
export interface LogBatch extends LogOrigin {
  seq: number;
  lines: LogLine[];
  dropped?: Partial<Record<DropBound, number>>;
}

const BOUND_TEXT: Record<DropBound, string> = {
  lines: "the attempt's line limit (PASSERINE_TASK_MAX_OUTPUT_LINES)",
  buffer: "the node's log buffer (PASSERINE_LOG_BUFFER_LINES)",
  unacknowledged: 'the logs stream did not acknowledge them in time (PASSERINE_LOG_RETRY_MS)',
};

/** The notices a reader prints where lines were dropped, one per bound. */
export function droppedNotices(batch: Pick<LogBatch, 'dropped'>): string[] {
  const out: string[] = [];
  for (const [bound, count] of Object.entries(batch.dropped ?? {}) as [DropBound, number][]) {
    if (count > 0) out.push(`[passerine] ${count} lines dropped: ${BOUND_TEXT[bound]}`);
  }
  return out;
}

/** A decoded message that is a log batch, or undefined (a reader skips what it cannot read). */
export function asLogBatch(value: unknown): LogBatch | undefined {
  const batch = value as LogBatch;
  if (typeof batch !== 'object' || batch === null) return undefined;
  if (typeof batch.jobId !== 'string' || typeof batch.taskId !== 'string') return undefined;
  if (typeof batch.attemptId !== 'string' || !Array.isArray(batch.lines)) return undefined;
  return batch;
}
