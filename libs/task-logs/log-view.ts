import { droppedNotices, type LogBatch, type LogStream } from './log-batch.ts';
import type { LogSource } from './log-sources.ts';

/** One line as `passerine logs` shows it. */
export interface ShownLine {
  group: string;
  /** 1 for the group's first attempt, 2 for its first retry... */
  attempt: number;
  attemptId: string;
  jobId: string;
  taskId: string;
  nodeId: string;
  stream: LogStream;
  line: string;
  time: number;
}

export interface LogViewOptions {
  /** Only this attempt of each group. */
  attempt?: number;
  /** Only lines written at or after this time (ms since the epoch). */
  sinceMs?: number;
}

/**
 * Turns a source's batches, in stream order, into the lines to show: batches of other sources
 * (a unit's bucket holds other keys) are left out, attempts are numbered per group in the order
 * they first appear, and a batch's count of dropped lines shows as a notice where they were dropped.
 */
export class LogView {
  private readonly attempts = new Map<string, Map<string, number>>();

  constructor(
    private readonly source: LogSource,
    private readonly options: LogViewOptions = {},
  ) {}

  lines(batch: LogBatch): ShownLine[] {
    if (!this.source.includes(batch)) return [];
    const group = this.source.groupOf(batch);
    const seen = this.attempts.get(group) ?? new Map<string, number>();
    this.attempts.set(group, seen);
    const attempt = seen.get(batch.attemptId) ?? seen.size + 1;
    seen.set(batch.attemptId, attempt);
    if (this.options.attempt !== undefined && attempt !== this.options.attempt) return [];
    const base = {
      group,
      attempt,
      attemptId: batch.attemptId,
      jobId: batch.jobId,
      taskId: batch.taskId,
      nodeId: batch.nodeId,
    };
    const since = this.options.sinceMs ?? Number.NEGATIVE_INFINITY;
    const notices = droppedNotices(batch).map((line) => ({
      ...base,
      stream: 'stderr' as const,
      line,
      time: batch.lines[0]?.time ?? 0,
    }));
    const lines = batch.lines.filter((l) => l.time >= since).map((l) => ({ ...base, ...l }));
    return [...notices, ...lines];
  }
}

/** `[t0 stdout] text`, with `#N` after the group from its second attempt on. */
export function formatShownLine(line: ShownLine): string {
  const attempt = line.attempt > 1 ? `#${line.attempt}` : '';
  return `[${line.group}${attempt} ${line.stream}] ${line.line}`;
}
