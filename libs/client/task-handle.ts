import { decode, TimeoutError } from '@passerine/core';
import type { TaskOutcome } from '@passerine/scheduling-protocol';
import { TaskError } from './errors.ts';
import type { TaskDraft } from './task-input.ts';
import { ENDED_STATES, type TaskState, type TaskStatus, type UpdateHook } from './task-status.ts';

/** What a command or container task gives back when it exits 0. */
export interface ProcessResult {
  exitCode: number;
  /** What it wrote, each cut at 64 KiB (`stdoutTruncated` / `stderrTruncated` say when). */
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  nodeId: string;
}

/**
 * One task as the client holds it, from staging to its end: its state, the hooks that hear of each
 * change, and the promise its future hands out. It settles once; what comes after (a late notice,
 * a second end) changes nothing.
 */
export class TaskHandle<T = unknown> {
  state: TaskState = 'staging';
  jobId?: string;
  taskId?: string;
  nodeId?: string;
  attemptId?: string;
  readonly settled: Promise<T>;
  private readonly endListeners: Array<() => void> = [];
  /** Methods, not function-typed fields: a handle of a narrower result stays a TaskHandle<unknown>. */
  private readonly settle: { resolve(value: T): void; reject(err: unknown): void };

  constructor(
    readonly draft: TaskDraft,
    readonly index: number,
    private readonly hooks: UpdateHook[],
    /** Ask the node to announce its start (one more message per task). */
    private readonly followStart = false,
  ) {
    let settle!: { resolve(value: T): void; reject(err: unknown): void };
    this.settled = new Promise<T>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.settle = settle;
    // Whoever never asks for the result must not crash the process with an unhandled rejection.
    this.settled.catch(() => undefined);
  }

  get ended(): boolean {
    return ENDED_STATES.has(this.state);
  }

  /** Whether the node should announce its start (a hook listens, or its future shows it). */
  get wantsStarts(): boolean {
    return this.followStart;
  }

  get id(): string {
    return `${this.jobId ?? '?'}/${this.taskId ?? '?'}`;
  }

  addHook(hook: UpdateHook): void {
    this.hooks.push(hook);
  }

  /** Calls `listener` once the task has ended (at once when it has). */
  whenEnded(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  /** Moves to a state that is not an end, telling the hooks. */
  move(
    state: 'starting' | 'running' | 'lost',
    at?: { nodeId?: string; attemptId?: string; error?: string },
  ): void {
    if (this.ended) return;
    if (at?.nodeId) this.nodeId = at.nodeId;
    if (at?.attemptId) this.attemptId = at.attemptId;
    // A lost attempt that is retried is a moment, not where the task stays.
    if (state !== 'lost') this.state = state;
    this.tell(state, at?.error);
  }

  resolve(value: T): void {
    if (this.ended) return;
    this.state = 'finished';
    this.tell('finished');
    this.settle.resolve(value);
    this.endNow();
  }

  reject(err: unknown): void {
    if (this.ended) return;
    this.state = err instanceof TaskError ? err.state : 'failed';
    this.tell(this.state, (err as Error)?.message);
    this.settle.reject(err);
    this.endNow();
  }

  private endNow(): void {
    for (const listener of this.endListeners.splice(0)) listener();
  }

  /** Settles from a node's outcome of the current attempt. */
  settleFrom(outcome: TaskOutcome): void {
    if (this.ended) return;
    this.nodeId = outcome.nodeId;
    this.attemptId = outcome.attemptId;
    if (outcome.status === 'finished') {
      if (this.draft.kind === 'function') {
        this.resolve((outcome.value === undefined ? undefined : decode(outcome.value)) as T);
      } else {
        this.resolve(processResult(outcome) as T);
      }
      return;
    }
    this.reject(errorOf(outcome, this.id));
  }

  /** Waits for the end: at most `timeoutMs` when given (the task goes on; cancel stops it). */
  result(timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined || this.ended) return this.settled;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TimeoutError(`task ${this.id} did not end within ${timeoutMs} ms (it is ${this.state})`),
          ),
        timeoutMs,
      );
    });
    return Promise.race([this.settled, late]).finally(() => clearTimeout(timer));
  }

  private tell(state: TaskState, error?: string): void {
    if (this.hooks.length === 0) return;
    const status: TaskStatus = {
      id: this.id,
      jobId: this.jobId ?? '',
      taskId: this.taskId ?? '',
      index: this.index,
      state,
      ...(this.nodeId !== undefined && { nodeId: this.nodeId }),
      ...(this.attemptId !== undefined && { attemptId: this.attemptId }),
      ...(error !== undefined && { error }),
    };
    for (const hook of this.hooks) {
      try {
        hook(status);
      } catch {
        // A hook that throws must not stop the others, nor the task.
      }
    }
  }
}

function processResult(outcome: TaskOutcome): ProcessResult {
  return {
    exitCode: outcome.exitCode ?? 0,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    stdoutTruncated: outcome.stdoutTruncated === true,
    stderrTruncated: outcome.stderrTruncated === true,
    nodeId: outcome.nodeId,
  };
}

function errorOf(outcome: TaskOutcome, id: string): TaskError {
  const info = {
    taskId: id,
    nodeId: outcome.nodeId,
    exitCode: outcome.exitCode,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    ...(outcome.errorName !== undefined && { remoteName: outcome.errorName }),
    ...(outcome.remoteStack !== undefined && { remoteStack: outcome.remoteStack }),
  };
  const why = outcome.error ?? `ended ${outcome.status}`;
  if (outcome.status === 'cancelled') return new TaskError(`task ${id} was cancelled`, 'killed', info);
  if (outcome.status === 'timeout')
    return new TaskError(`task ${id} ${why}`, 'failed', { ...info, timedOut: true });
  if (outcome.setup)
    return new TaskError(`task ${id} could not start on ${outcome.nodeId}: ${why}`, 'error', info);
  return new TaskError(`task ${id} failed on ${outcome.nodeId}: ${why}`, 'failed', info);
}
