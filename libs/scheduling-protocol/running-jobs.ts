import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ValidationError } from '@passerine/core';
import { requestRpc } from '@passerine/natsconn';
import { isTerminal, type OwnedJob } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import type { FrontendAdvert } from './messages.ts';
import { readAdverts } from './membership-bucket.ts';

/** Most running jobs one answer lists (one frontend's, and the merged page). */
export const MAX_RUNNING_JOBS_LISTED = 100;

/** Where a page of running jobs continues: the last row of the page before. */
export interface RunningJobsCursor {
  since: number;
  jobId: string;
}

/** Gateway → one frontend (`running`): a page of the jobs it schedules, newest first. */
export interface RunningJobsRequest {
  limit: number;
  before?: RunningJobsCursor;
}

/** A job being scheduled, with its tasks counted by where they stand. */
export interface RunningJob {
  jobId: string;
  user: string;
  priority: number;
  frontendId: string;
  /** When its frontend took it on (ms; an adopted job: when it was adopted). */
  since: number;
  tasks: number;
  pending: number;
  running: number;
  finished: number;
  failed: number;
}

export interface RunningJobsReply {
  jobs: RunningJob[];
  /** Every job this frontend schedules, not only the page's. */
  total: number;
  /** Jobs of this frontend follow the page. */
  more: boolean;
}

/** Newest first; jobs taken on in the same millisecond by id, so a cursor is never ambiguous. */
const newerFirst = (a: RunningJobsCursor, b: RunningJobsCursor) =>
  b.since - a.since || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0);

/** Checks a running-jobs request off the wire, naming the field at fault. */
export function validRunningJobsRequest(value: unknown): RunningJobsRequest {
  const request = value as Partial<RunningJobsRequest> | null;
  const limit = request?.limit;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_RUNNING_JOBS_LISTED)
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_RUNNING_JOBS_LISTED}`, {
      field: 'limit',
    });
  const before = request?.before;
  if (before !== undefined && (typeof before?.since !== 'number' || typeof before?.jobId !== 'string'))
    throw new ValidationError('before must be {since: number, jobId: string}', { field: 'before' });
  return { limit: limit as number, ...(before !== undefined && { before }) };
}

function row(owned: OwnedJob, frontendId: string): RunningJob {
  let pending = 0;
  let running = 0;
  for (const task of owned.state.tasks.values()) {
    if (task.status === 'pending') pending++;
    else if (task.status === 'running') running++;
  }
  const { job, state } = owned;
  return {
    jobId: job.id,
    user: job.user,
    priority: job.priority,
    frontendId,
    since: owned.since,
    tasks: state.tasks.size,
    pending,
    running,
    finished: state.finished,
    failed: state.failed,
  };
}

/** The page a frontend answers from the jobs it owns: those not ended, newest first. */
export function runningJobsPage(
  owned: Iterable<OwnedJob>,
  frontendId: string,
  request: RunningJobsRequest,
): RunningJobsReply {
  const active = [...owned].filter((o) => !isTerminal(o.state.status));
  const after = request.before;
  const keyed = active
    .map((o) => ({ owned: o, since: o.since, jobId: o.job.id }))
    .filter((k) => after === undefined || newerFirst(after, k) < 0)
    .sort(newerFirst);
  const page = keyed.slice(0, request.limit);
  return {
    jobs: page.map((k) => row(k.owned, frontendId)),
    total: active.length,
    more: keyed.length > page.length,
  };
}

export interface RunningJobsPage {
  jobs: RunningJob[];
  /** Running jobs across the frontends that answered. */
  total: number;
  /** Where the next page starts; null on the last page. */
  next: RunningJobsCursor | null;
  /** Frontends advertised that did not answer in time (their jobs are missing from the page). */
  unanswered: string[];
}

/**
 * The running jobs of the whole instance: every frontend in the membership bucket is asked for
 * its newest `limit` (each knows only the jobs it schedules), and the answers are merged.
 */
export async function listRunningJobs(
  nc: NatsConnection,
  names: Names,
  frontends: KV,
  request: RunningJobsRequest,
  timeoutMs = 2_000,
): Promise<RunningJobsPage> {
  const ids = (await readAdverts<FrontendAdvert>(frontends)).map((advert) => advert.id);
  const answers = await Promise.allSettled(
    ids.map((id) => requestRpc<RunningJobsReply>(nc, names.frontend(id, 'running'), request, timeoutMs)),
  );
  const jobs: RunningJob[] = [];
  let total = 0;
  let more = false;
  const unanswered: string[] = [];
  for (const [i, answer] of answers.entries()) {
    if (answer.status === 'rejected') unanswered.push(ids[i]);
    else {
      jobs.push(...answer.value.jobs);
      total += answer.value.total;
      more ||= answer.value.more;
    }
  }
  // Sorted again after the merge; a job adopted meanwhile may show twice, once per frontend.
  const unique = [...new Map(jobs.sort(newerFirst).map((j) => [j.jobId, j])).values()];
  // Counted once, as listed: each frontend counted it among its own.
  total -= jobs.length - unique.length;
  const page = unique.sort(newerFirst).slice(0, request.limit);
  more ||= unique.length > request.limit;
  const last = page.at(-1);
  return {
    jobs: page,
    total,
    next: more && last ? { since: last.since, jobId: last.jobId } : null,
    unanswered,
  };
}
