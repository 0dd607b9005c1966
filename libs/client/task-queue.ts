import type { Session, JobOptions, Submitted } from './session.ts';
import type { TaskHandle } from './task-handle.ts';

/** Most tasks one job carries: a job's result lists each of them, and one submit stays small. */
export const MAX_TASKS_PER_JOB = 1_000;
/** Most bytes of payloads one job carries: the job is one message and one commit. */
export const MAX_JOB_BYTES = 384 * 1024;

/**
 * Chooses nodes for staged tasks (a placement hook, see placement.ts): the tasks it places go out
 * pinned to their node; the rest wait for the next change of the offers.
 */
export interface Placer {
  place(tasks: readonly TaskHandle[]): Promise<Submitted[]>;
  /** Calls `listener` when the nodes' offers change. */
  onChange(listener: () => void): () => void;
}

function bytesOf(handle: TaskHandle): number {
  return (handle.draft.payload?.length ?? 0) + JSON.stringify(handle.draft.command ?? '').length + 64;
}

/**
 * Tasks waiting to be submitted, sent as jobs while fewer than `cap` of them are in flight (a
 * Pool's `processes`, a map's `concurrency`): tasks queued in one turn of the event loop go out
 * together, each job at most MAX_TASKS_PER_JOB tasks and MAX_JOB_BYTES. With `solo`, every task is
 * a job of its own (a future that can be cancelled alone).
 */
export class TaskQueue {
  private readonly staged: TaskHandle[] = [];
  private inFlight = 0;
  private scheduled = false;
  private placing = false;
  private stopPlacing?: () => void;

  constructor(
    private readonly session: Session,
    private readonly options: JobOptions,
    private readonly cap = Number.POSITIVE_INFINITY,
    private readonly solo = false,
    private readonly placer?: Placer,
  ) {
    if (placer) this.stopPlacing = placer.onChange(() => this.schedule());
  }

  get waiting(): number {
    return this.staged.length;
  }

  add(handle: TaskHandle): void {
    this.staged.push(handle);
    this.schedule();
  }

  /** Drops every task still staged, rejecting it with `err`. */
  drop(err: unknown): void {
    for (const handle of this.staged.splice(0)) handle.reject(err);
  }

  close(): void {
    this.stopPlacing?.();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private take(): TaskHandle[] {
    const room = this.cap - this.inFlight;
    const out: TaskHandle[] = [];
    while (out.length < room && this.staged.length > 0) {
      const handle = this.staged.shift()!;
      if (!handle.ended) out.push(handle);
    }
    return out;
  }

  private async pump(): Promise<void> {
    if (this.placing) return;
    const ready = this.take();
    if (ready.length === 0) return;
    let chosen: Submitted[] = ready.map((handle) => ({ handle }));
    if (this.placer) {
      this.placing = true;
      try {
        chosen = await this.placer.place(ready);
      } catch (err) {
        for (const handle of ready) handle.reject(err);
        chosen = [];
      } finally {
        this.placing = false;
      }
      const placed = new Set(chosen.map((c) => c.handle));
      // What the hook left unplaced waits, in its order, for the next offers.
      this.staged.unshift(...ready.filter((handle) => !placed.has(handle) && !handle.ended));
    }
    for (const job of this.jobsOf(chosen)) this.send(job);
    if (this.staged.length > 0 && this.inFlight < this.cap && !this.placer) this.schedule();
  }

  private jobsOf(tasks: readonly Submitted[]): Submitted[][] {
    if (this.solo) return tasks.map((task) => [task]);
    const jobs: Submitted[][] = [];
    let job: Submitted[] = [];
    let bytes = 0;
    for (const task of tasks) {
      const size = bytesOf(task.handle);
      if (job.length > 0 && (job.length >= MAX_TASKS_PER_JOB || bytes + size > MAX_JOB_BYTES)) {
        jobs.push(job);
        job = [];
        bytes = 0;
      }
      job.push(task);
      bytes += size;
    }
    if (job.length > 0) jobs.push(job);
    return jobs;
  }

  private send(job: Submitted[]): void {
    this.inFlight += job.length;
    for (const { handle } of job) {
      handle.whenEnded(() => {
        this.inFlight--;
        if (this.staged.length > 0) this.schedule();
      });
    }
    void this.session.submit(job, this.options);
  }
}
