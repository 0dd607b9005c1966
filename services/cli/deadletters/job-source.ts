import { JetStreamEventLog } from '@passerine/eventlog';
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
import type { DeadLetter, DeadLetterFilter, DeadLetterSource } from './source.ts';

/** Every job's state, rebuilt from the event log (the record of jobs: no frontend need be up). */
async function jobStates(nc: NatsConnection, names: Names): Promise<Map<string, JobState>> {
  const log = new JetStreamEventLog(nc, { stream: names.eventStream });
  const bySubject = new Map<string, JobState>();
  for await (const record of log.read({ filter: names.allJobEvents })) {
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

/** Scheduler jobs that ended with failed tasks; redriven as a new job of those tasks. */
export function jobDeadLetters(nc: NatsConnection, names: Names): DeadLetterSource {
  const dead = async (filter: DeadLetterFilter) => {
    if (filter.spec !== undefined) return { states: new Map<string, JobState>(), dead: [] };
    const states = await jobStates(nc, names);
    const all = deadJobs(states.values(), notPumped);
    return { states, dead: all.filter((d) => filter.job === undefined || d.jobId === filter.job) };
  };
  return {
    kind: 'job',
    list: async (filter) => (await dead(filter)).dead.map(letter),
    redrive: async (filter) => {
      const { states, dead: jobs } = await dead(filter);
      const redriven: string[] = [];
      for (const job of jobs) {
        const input = redriveJob(states.get(job.jobId)!);
        await submitJob(nc, names, input);
        redriven.push(`${job.jobId} as ${input.id}`);
      }
      return redriven;
    },
  };
}
