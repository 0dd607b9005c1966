import { TaskError } from './errors.ts';
import type { TaskHandle } from './task-handle.ts';
import type { TaskState, UpdateHook } from './task-status.ts';

/**
 * The future of one submitted task (Satyr's, and concurrent.futures'): its state as it goes, its
 * result, and cancel, which kills the task where it runs.
 */
export class TaskFuture<T = unknown> {
  constructor(
    private readonly handle: TaskHandle<T>,
    private readonly cancelJob: (jobId: string) => Promise<boolean>,
  ) {}

  /** `jobId/taskId` once submitted. */
  get id(): string {
    return this.handle.id;
  }

  get status(): TaskState {
    return this.handle.state;
  }

  /** The node it ran (or runs) on, once one took it. */
  get nodeId(): string | undefined {
    return this.handle.nodeId;
  }

  /** True once it has ended, whichever way. */
  done(): boolean {
    return this.handle.ended;
  }

  /**
   * The task's result: a function's return value, or a command's exit code and output. Rejects
   * with a TaskError when it failed, was cancelled or lost; with a TimeoutError when it has not
   * ended within `timeoutMs` (the task goes on).
   */
  result(timeoutMs?: number): Promise<T> {
    return this.handle.result(timeoutMs);
  }

  /**
   * Cancels the task, killing it if it runs. Resolves true when it was stopped, false when it had
   * ended already (then nothing happens).
   */
  async cancel(): Promise<boolean> {
    if (this.handle.ended) return false;
    const jobId = this.handle.jobId;
    if (jobId === undefined) {
      this.handle.reject(cancelledError(this.handle.id));
      return true;
    }
    const stopped = await this.cancelJob(jobId);
    if (stopped) this.handle.reject(cancelledError(this.handle.id));
    return stopped && this.handle.state === 'killed';
  }

  /** Hears every change of this task's state from now on. */
  onUpdate(hook: UpdateHook): this {
    this.handle.addHook(hook);
    return this;
  }

  /** Settles when the task has ended, never rejecting: for waiting on many (asCompleted). */
  ended(): Promise<this> {
    return this.handle.settled.then(
      () => this,
      () => this,
    );
  }
}

function cancelledError(id: string): TaskError {
  return new TaskError(`task ${id} was cancelled`, 'killed', { taskId: id });
}

/** Yields the futures as they end, first ended first (concurrent.futures.as_completed). */
export async function* asCompleted<F extends TaskFuture>(futures: Iterable<F>): AsyncGenerator<F> {
  const pending = new Map<F, Promise<F>>();
  for (const future of futures) pending.set(future, future.ended() as Promise<F>);
  while (pending.size > 0) {
    const next = await Promise.race(pending.values());
    pending.delete(next);
    yield next;
  }
}
