import type { OwnedJob } from '@passerine/scheduling';

/** Node's setTimeout holds at most this long (about 24.8 days); a later time is reached in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface JobTimerActions {
  /** The job's not-before time came. */
  release(jobId: string): void;
  /** The job's time to live ran out. */
  expire(jobId: string): void;
}

/**
 * The times a frontend acts on for the jobs it owns: a waiting job's not-before, a job's expiry.
 * A job's timers stay until they fire (the actions ignore jobs that are gone), so they number at
 * most the jobs submitted within the longest time to live; all go when the frontend stops.
 */
export class JobTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly now: () => number,
    private readonly actions: JobTimerActions,
  ) {}

  arm(owned: OwnedJob): void {
    const jobId = owned.job.id;
    const { notBefore, expiresAt } = owned.job;
    if (owned.state.status === 'waiting' && notBefore !== undefined)
      this.at(notBefore, () => this.actions.release(jobId));
    if (expiresAt !== undefined) this.at(expiresAt, () => this.actions.expire(jobId));
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private at(time: number, action: () => void): void {
    const delay = Math.max(0, time - this.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (delay > MAX_TIMEOUT_MS) this.at(time, action);
        else action();
      },
      Math.min(delay, MAX_TIMEOUT_MS),
    );
    this.timers.add(timer);
  }
}
