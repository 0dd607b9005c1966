import type { JobResult } from '@passerine/scheduling';
import type { TaskNotice } from '@passerine/scheduling-protocol';
import { TaskError } from './errors.ts';
import type { TaskHandle } from './task-handle.ts';

/**
 * How long a task the job's end says finished may wait for its outcome notice, which comes from
 * the node by another path (ordered before the end on one NATS server, not across a cluster).
 */
const OUTCOME_GRACE_MS = 2_000;

/**
 * One submitted job as the client follows it: outcomes from the nodes settle its tasks; the job's
 * end (its watch subject) settles those no outcome reached — lost with their retries used up,
 * cancelled before they ran, or whose notice went missing.
 */
export class JobTracker {
  private open: number;

  constructor(
    readonly jobId: string,
    readonly tasks: ReadonlyMap<string, TaskHandle>,
    private readonly onDone: (tracker: JobTracker) => void,
  ) {
    this.open = tasks.size;
    for (const handle of tasks.values()) handle.whenEnded(() => this.settled());
  }

  /** The same tasks, following another job (the first of a repeated submit). */
  renamed(jobId: string, onDone: (tracker: JobTracker) => void): JobTracker {
    for (const handle of this.tasks.values()) handle.jobId = jobId;
    return new JobTracker(jobId, this.tasks, onDone);
  }

  get done(): boolean {
    return this.open === 0;
  }

  notice(notice: TaskNotice): void {
    const handle = this.tasks.get(notice.taskId);
    if (!handle || handle.ended) return;
    if (notice.type === 'started') {
      // A start of another attempt: the one before was lost with its node and is being retried.
      if (handle.attemptId !== undefined && handle.attemptId !== notice.attemptId) {
        handle.move('lost', { error: `attempt ${handle.attemptId} on ${handle.nodeId} was lost; retried` });
      }
      handle.move('running', { nodeId: notice.nodeId, attemptId: notice.attemptId });
      return;
    }
    handle.settleFrom(notice);
  }

  /** The job ended: tasks still open settle from what it says of them. */
  ended(result: JobResult): void {
    const byId = new Map(result.tasks.map((task) => [task.id, task]));
    for (const [taskId, handle] of this.tasks) {
      if (handle.ended) continue;
      const task = byId.get(taskId);
      const id = `${this.jobId}/${taskId}`;
      if (result.status === 'cancelled' || task?.status === 'cancelled') {
        const why = result.reason ? `: ${result.reason}` : '';
        this.reject(handle, new TaskError(`task ${id} was cancelled${why}`, 'killed', { taskId: id }));
      } else if (task?.status === 'finished') {
        setTimeout(() => {
          if (handle.ended) return;
          const message = `task ${id} finished on ${task.nodeId}, but its outcome did not arrive`;
          this.reject(handle, new TaskError(message, 'lost', { taskId: id, nodeId: task.nodeId }));
        }, OUTCOME_GRACE_MS).unref();
      } else {
        const why = task?.error ?? `the job ended ${result.status} without a word of it`;
        const state = /retries used up|was lost/.test(why) ? 'lost' : 'failed';
        this.reject(
          handle,
          new TaskError(`task ${id} ${state === 'lost' ? 'was lost' : 'failed'}: ${why}`, state, {
            taskId: id,
            nodeId: task?.nodeId,
          }),
        );
      }
    }
  }

  /** Rejects every task still open (a submit refused, the connection lost). */
  fail(err: unknown): void {
    for (const handle of this.tasks.values()) if (!handle.ended) this.reject(handle, err);
  }

  private reject(handle: TaskHandle, err: unknown): void {
    handle.reject(err);
  }

  private settled(): void {
    this.open--;
    if (this.open === 0) this.onDone(this);
  }
}
