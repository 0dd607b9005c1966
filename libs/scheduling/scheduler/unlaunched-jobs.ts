/** What UnlaunchedJobs needs of a job. */
export interface MaybeWaiting {
  /** When the frontend took it on (ms): the order of the list. */
  since: number;
  state: { status: string };
  binding: { unlaunchedCount: number };
}

const hasTasksToLaunch = (job: MaybeWaiting) =>
  job.state.status === 'active' && job.binding.unlaunchedCount > 0;

/**
 * A frontend's jobs that may still have tasks to launch, oldest first. Slots are lent, yielded and
 * pulled for these on every getTask and report, and a frontend may hold thousands of jobs whose
 * tasks all run: walking every job there would cost that much per task. Jobs leave lazily, when a
 * walk finds them with nothing left to launch, so a launch costs nothing here.
 */
export class UnlaunchedJobs<J extends MaybeWaiting> {
  private list: J[] = [];
  private readonly members = new Set<J>();
  /** Jobs passed over in walks since the list was last compacted. */
  private passedOver = 0;

  /** The job has tasks to launch (again): it joins in the order of `since`. */
  add(job: J): void {
    if (this.members.has(job)) return;
    this.members.add(job);
    let at = this.list.length;
    while (at > 0 && this.list[at - 1].since > job.since) at--;
    this.list.splice(at, 0, job);
  }

  /** The jobs with tasks to launch, oldest first. */
  *oldestFirst(): Generator<J> {
    this.dropLeading();
    if (this.passedOver > 64 && this.passedOver > this.list.length) this.compact();
    for (const job of this.list) {
      if (hasTasksToLaunch(job)) yield job;
      else this.passedOver++;
    }
  }

  get size(): number {
    return this.list.length;
  }

  /** The frontend stopped scheduling: none of its jobs is offered a slot any more. */
  clear(): void {
    this.list = [];
    this.members.clear();
    this.passedOver = 0;
  }

  /** Jobs at the front with nothing left to launch go at once: a walk would meet them first. */
  private dropLeading(): void {
    let n = 0;
    while (n < this.list.length && !hasTasksToLaunch(this.list[n])) this.members.delete(this.list[n++]);
    if (n > 0) this.list.splice(0, n);
  }

  private compact(): void {
    this.passedOver = 0;
    const kept: J[] = [];
    for (const job of this.list) {
      if (hasTasksToLaunch(job)) kept.push(job);
      else this.members.delete(job);
    }
    this.list = kept;
  }
}
