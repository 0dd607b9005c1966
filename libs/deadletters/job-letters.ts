import { IllegalStateError, NotFoundError } from '@passerine/core';
import { JetStreamEventLog, readCurrent } from '@passerine/eventlog';
import { UNIT_JOB_USER_PREFIX } from '@passerine/executable-specs';
import type { NatsConnection } from '@passerine/natsconn';
import {
  type DeadJob,
  deadJobs,
  evolve,
  initialJobState,
  type JobEvent,
  type JobState,
  redriveJob,
} from '@passerine/scheduling';
import { submitJob } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { DeadLetter, DeadLetterFilter, DeadLetterSource } from './dead-letter.ts';

/** The states of the jobs whose events match `filter`, rebuilt from the event log (no frontend need be up). */
async function jobStates(log: JetStreamEventLog, filter: string): Promise<Map<string, JobState>> {
  const bySubject = new Map<string, JobState>();
  for await (const record of readCurrent(log, { filter })) {
    if (record.kind !== 'commit') continue;
    const state = bySubject.get(record.subject) ?? initialJobState();
    bySubject.set(record.subject, state);
    for (const event of record.events) evolve(state, event as JobEvent);
  }
  const byId = new Map<string, JobState>();
  for (const state of bySubject.values()) if (state.job) byId.set(state.job.id, state);
  return byId;
}

/** Pumped jobs are left to the units: their retries are the work spec's, their dead letters its units. */
const notPumped = (state: JobState) => !state.job!.user.startsWith(UNIT_JOB_USER_PREFIX);

function letter(dead: DeadJob): DeadLetter {
  const last = dead.tasks.at(-1);
  return {
    kind: 'job',
    id: dead.jobId,
    scope: dead.user,
    attempts: Math.max(...dead.tasks.map((t) => t.attempts)),
    lastError: `${dead.tasks.length} task(s) failed; ${last?.taskId}: ${last?.error ?? `exit ${last?.exitCode}`}`,
    detail: JSON.parse(JSON.stringify(dead)),
  };
}

/** Why a job that exists is no dead letter, in a sentence. */
function whyNotDead(state: JobState, successor: JobState | undefined): string {
  const id = state.job!.id;
  if (state.status !== 'completed' && state.status !== 'cancelled')
    return `job ${id} is still ${state.status}`;
  if (!notPumped(state))
    return `job ${id} runs units of a work spec: its dead letters are the spec's failed units`;
  if (state.failed === 0) return `job ${id} ended with no failed task`;
  if (successor) return `job ${id} was redriven already as ${successor.job!.id}`;
  return `job ${id} is no dead letter`;
}

export interface JobDeadLetters extends DeadLetterSource {
  /** One dead job; NotFoundError when there is no such job or it is no dead letter (saying why). */
  show(jobId: string): Promise<DeadLetter>;
  /** Redrives one dead job: NotFoundError for no such job, IllegalStateError (with why) when it is not dead. */
  redriveOne(jobId: string): Promise<{ jobId: string; as: string }>;
}

/** Scheduler jobs that ended with failed tasks; redriven as a new job of those tasks. */
export function jobDeadLetters(nc: NatsConnection, names: Names): JobDeadLetters {
  const log = new JetStreamEventLog(nc, { stream: names.eventStream });
  const dead = async (filter: DeadLetterFilter) => {
    if (filter.spec !== undefined) return { states: new Map<string, JobState>(), dead: [] };
    const states =
      filter.job === undefined
        ? await jobStates(log, names.allJobEvents)
        : await oneWithSuccessor(filter.job).then((found) => found?.states ?? new Map());
    const all = deadJobs(states.values(), notPumped);
    const chosen = all.filter((d) => filter.job === undefined || d.jobId === filter.job);
    return { states, dead: filter.limit === undefined ? chosen : chosen.slice(0, filter.limit) };
  };
  /** One job and the job that would redrive it: enough for deadJobs to judge it. */
  const oneWithSuccessor = async (jobId: string) => {
    const state = (await jobStates(log, names.jobEvents(jobId))).get(jobId);
    if (!state) return undefined;
    const successorId = redriveJob(state).id;
    const successor = (await jobStates(log, names.jobEvents(successorId))).get(successorId);
    const states = new Map([[jobId, state]]);
    if (successor) states.set(successorId, successor);
    return { state, successor, states };
  };
  const deadOne = async (jobId: string) => {
    const found = await oneWithSuccessor(jobId);
    if (!found) throw new NotFoundError(`job ${jobId} was never submitted`, { jobId });
    const [job] = deadJobs(found.states.values(), notPumped).filter((d) => d.jobId === jobId);
    return { found, job };
  };
  const resubmit = async (state: JobState) => {
    const input = redriveJob(state);
    await submitJob(nc, names, input);
    return input.id;
  };
  return {
    kind: 'job',
    list: async (filter) => (await dead(filter)).dead.map(letter),
    redrive: async (filter) => {
      const { states, dead: jobs } = await dead(filter);
      const redriven: string[] = [];
      for (const job of jobs) redriven.push(`${job.jobId} as ${await resubmit(states.get(job.jobId)!)}`);
      return redriven;
    },
    async show(jobId) {
      const { found, job } = await deadOne(jobId);
      if (!job) throw new NotFoundError(whyNotDead(found.state, found.successor), { jobId });
      return letter(job);
    },
    async redriveOne(jobId) {
      const { found, job } = await deadOne(jobId);
      if (!job) throw new IllegalStateError(whyNotDead(found.state, found.successor), { jobId });
      return { jobId, as: await resubmit(found.state) };
    },
  };
}
