import { decide } from '../job-decide.ts';
import type { Handling } from './handling.ts';
import { record } from './job-records.ts';
import { tasksWithStatus } from './owned-job.ts';
import { placeAgain } from './placing.ts';

/**
 * A waiting job's not-before time came: it is recorded as released and its tasks are placed. A
 * job gone meanwhile (cancelled, or not this frontend's) or not waiting is left alone.
 */
export function releaseJob(h: Handling, jobId: string): void {
  const owned = h.state.jobs.get(jobId);
  if (owned?.state.status !== 'waiting') return;
  const events = decide({ type: 'ReleaseJob' }, owned.state, h.context);
  record(h, owned, events);
  placeAgain(h, owned, tasksWithStatus(owned, 'pending'));
}

/**
 * A job's time to live ran out: the tasks that never started are recorded as expired, with the
 * reason (a job left with none open completes). Those still in late binding or bound to a node
 * are not handed out: the job refuses their launch (see launch in slot-answers.ts).
 */
export function expireJobTasks(h: Handling, jobId: string): void {
  const owned = h.state.jobs.get(jobId);
  const expiresAt = owned?.job.expiresAt;
  if (!owned || expiresAt === undefined) return;
  const reason = `expired: not started within its time to live (until ${new Date(expiresAt).toISOString()})`;
  const events = decide({ type: 'ExpireTasks', reason }, owned.state, h.context);
  if (events.length > 0) record(h, owned, events);
}
