import { IllegalStateError, NotFoundError, UnavailableError } from '@passerine/core';
import { decide } from '../job-decide.ts';
import type { JobSpec } from '../job-spec.ts';
import { initialJobState, type JobState } from '../job-state.ts';
import { LateBinding } from '../late-binding.ts';
import { checkPlaceable } from '../validate-job.ts';
import type { Handling } from './handling.ts';
import { record } from './job-records.ts';
import { loseNode } from './node-loss.ts';
import { type OwnedJob, ownedJob, tasksWithStatus } from './owned-job.ts';
import { placeAgain, planJob } from './placing.ts';
import { send } from './reserving.ts';

/**
 * A job submitted to this frontend: checked, recorded as submitted, and placed. Reservations go out
 * while the submission is appended and tasks may start before it lands (the launches queue behind
 * it in the job's committer): scheduling delay does not pay for the disk, while the submitter hears
 * back only once the job is durable (see SubmitAcknowledged, JobDropped). A job without tasks
 * completes at once; one with a not-before time is recorded as waiting and placed nowhere yet.
 * Returns the job as this frontend holds it.
 */
export function scheduleJob(h: Handling, job: JobSpec): OwnedJob {
  const { state, context } = h;
  if (state.jobs.has(job.id)) throw new IllegalStateError(`job ${job.id} already exists`, { field: 'id' });
  if (state.jobs.size >= context.maxActiveJobs) {
    throw new UnavailableError(
      `frontend ${context.frontendId} already runs ${state.jobs.size} jobs; try again later`,
    );
  }
  checkPlaceable(job, context.nodes.live());
  const jobState = initialJobState();
  const events = decide({ type: 'SubmitJob', job }, jobState, context);
  if (job.tasks.length === 0) {
    const owned = ownedJob(job, jobState, new LateBinding([]), context.now(), false);
    record(h, owned, events);
    return owned;
  }
  if (job.notBefore !== undefined) {
    // Recorded as waiting; placed once released at its time (releaseJob).
    const owned = ownedJob(job, jobState, new LateBinding([]), context.now(), false);
    h.apply({ type: 'JobRecorded', job: owned, events });
    h.apply({ type: 'JobTaken', job: owned });
    return owned;
  }
  const placed = planJob(job, state, context);
  const owned = ownedJob(job, jobState, placed.binding, context.now(), false);
  h.apply({ type: 'JobRecorded', job: owned, events });
  h.apply({ type: 'JobTaken', job: owned });
  const reservations = [...placed.reservations, ...placed.packedReservations];
  h.apply({
    type: 'TasksPlaced',
    job: owned,
    unbound: [],
    tasks: [],
    reservations: [],
    packed: placed.packed,
    waiting: placed.waiting,
    send: reservations,
    at: owned.since,
  });
  send(h, owned, reservations);
  return owned;
}

/** The job's submission is durable: from now on it may be placed again. */
export function acknowledgeSubmit(h: Handling, owned: OwnedJob): void {
  h.apply({ type: 'SubmitAcknowledged', job: owned });
}

/** The job was not accepted (its submission did not become durable): whatever of it started stops. */
export function dropJob(h: Handling, owned: OwnedJob): void {
  if (h.state.jobs.get(owned.job.id) !== owned) return;
  h.apply({ type: 'JobDropped', job: owned });
  h.apply({ type: 'ReservationsCancelled', job: owned, nodeIds: [...owned.holders], kill: true });
}

/** Cancels a job this frontend owns; its running tasks stop once the cancellation is durable. */
export function cancelOwnedJob(h: Handling, jobId: string, reason: string): OwnedJob {
  const owned = h.state.jobs.get(jobId);
  if (!owned) throw new NotFoundError(`job ${jobId} is not scheduled by frontend ${h.context.frontendId}`);
  const events = decide({ type: 'CancelJob', reason }, owned.state, h.context);
  const running = new Set<string>();
  for (const task of owned.state.tasks.values())
    if (task.status === 'running' && task.nodeId) running.add(task.nodeId);
  record(h, owned, events, reason);
  if (running.size > 0) h.apply({ type: 'RunningTasksStopped', job: owned, nodeIds: [...running] });
  return owned;
}

/**
 * Takes over a job whose frontend died, once its adoption is durable (`jobState` includes it): its
 * waiting tasks are placed, and those running on nodes that are gone too are retried.
 */
export function takeAdopted(h: Handling, jobState: JobState): OwnedJob {
  const owned = ownedJob(jobState.job!, jobState, new LateBinding([]), h.context.now(), true);
  h.apply({ type: 'JobTaken', job: owned });
  placeAgain(h, owned, tasksWithStatus(owned, 'pending'));
  for (const taskId of tasksWithStatus(owned, 'running')) {
    const nodeId = jobState.tasks.get(taskId)!.nodeId!;
    if (!h.context.nodes.has(nodeId)) loseNode(h, owned, nodeId);
  }
  return owned;
}

/** Stops scheduling: reservations already sent answer "no task" from then on. */
export function stopScheduling(h: Handling): void {
  h.apply({ type: 'SchedulingStopped' });
}
