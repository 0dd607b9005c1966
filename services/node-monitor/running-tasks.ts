import type { KeyHoldRef } from '@passerine/scheduling';

export interface RunningTask {
  jobId: string;
  /** The hold on a key budget its frontend took for it, renewed here while it runs. */
  hold?: KeyHoldRef;
  abort: AbortController;
  done: Promise<void>;
}

/** The tasks a node monitor runs right now, by attempt id: what cancellations and renewals act on. */
/** Jobs stopped here that are remembered, so that a task of theirs arriving late is not started. */
const STOPPED_JOBS_REMEMBERED = 10_000;

export class RunningTasks {
  private readonly byAttempt = new Map<string, RunningTask>();
  /** In the order they were stopped; job ids are never reused, so remembering one is always right. */
  private readonly stoppedJobs = new Set<string>();

  get size(): number {
    return this.byAttempt.size;
  }

  add(attemptId: string, task: RunningTask): void {
    this.byAttempt.set(attemptId, task);
  }

  remove(attemptId: string): void {
    this.byAttempt.delete(attemptId);
  }

  /** Stops one run, if it is of that job (an attempt id of another job's is left alone). */
  stopAttempt(jobId: string, attemptId: string): void {
    const task = this.byAttempt.get(attemptId);
    if (task?.jobId === jobId) task.abort.abort();
  }

  /**
   * Stops the job's runs, resolving with how many once they have ended, and any of its tasks that
   * arrives later: a getTask answered before the job was stopped may be delivered after the stop,
   * and must not start a run nobody will stop.
   */
  async stopJob(jobId: string): Promise<number> {
    this.stoppedJobs.add(jobId);
    if (this.stoppedJobs.size > STOPPED_JOBS_REMEMBERED) {
      this.stoppedJobs.delete(this.stoppedJobs.values().next().value as string);
    }
    return this.stopJobExcept(jobId, new Set());
  }

  /** Whether the job was stopped here: its tasks are reported cancelled instead of run. */
  jobStopped(jobId: string): boolean {
    return this.stoppedJobs.has(jobId);
  }

  /** Stops the job's runs but those kept, resolving with how many once they have all ended. */
  async stopJobExcept(jobId: string, kept: ReadonlySet<string>): Promise<number> {
    const stopping: Promise<void>[] = [];
    for (const [attemptId, task] of this.byAttempt) {
      if (task.jobId !== jobId || kept.has(attemptId)) continue;
      task.abort.abort();
      stopping.push(task.done);
    }
    await Promise.allSettled(stopping);
    return stopping.length;
  }

  async stopAll(): Promise<void> {
    for (const task of this.byAttempt.values()) task.abort.abort();
    await Promise.allSettled([...this.byAttempt.values()].map((task) => task.done));
  }

  /** The key holds of the running tasks, grouped by key: one renewal per key. */
  holdsByKey(): Map<string, string[]> {
    const byKey = new Map<string, string[]>();
    for (const task of this.byAttempt.values()) {
      if (!task.hold) continue;
      const ids = byKey.get(task.hold.key);
      if (ids) ids.push(task.hold.holdId);
      else byKey.set(task.hold.key, [task.hold.holdId]);
    }
    return byKey;
  }
}
