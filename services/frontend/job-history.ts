import type { Logger } from '@passerine/core';
import { type EventLog, readCurrent, readThrough } from '@passerine/eventlog';
import { evolve, initialJobState, isTerminal, type JobEvent, type JobState } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import type { ActiveJobsCheckpoint } from './active-jobs-checkpoint.ts';

export interface JobHistory {
  state: JobState;
  /** Last sequence on the job's subject: the fence for whoever writes next on its behalf. */
  lastSeq: number;
}

function jobIdOf(event: JobEvent): string {
  return event.type === 'JobSubmitted' ? event.data.job.id : event.data.jobId;
}

function applyRecord(
  jobs: Map<string, JobHistory>,
  events: readonly JobEvent[],
  seq: number,
  logger: Logger,
): void {
  for (const event of events) {
    const jobId = jobIdOf(event);
    let history = jobs.get(jobId);
    if (!history) {
      history = { state: initialJobState(), lastSeq: 0 };
      jobs.set(jobId, history);
    }
    try {
      evolve(history.state, event);
    } catch (err) {
      logger.warn({ err, jobId, seq, type: event.type }, 'job event does not apply; skipped');
    }
    history.lastSeq = seq;
  }
}

/** Records read before the reader steps aside for other work on the event loop. */
const READ_TURN_RECORDS = 64;

/**
 * Rebuilds every job that is still active (finished ones are dropped as soon as they end), from
 * the checkpoint on when one is given, and leaves a new checkpoint when it read far past it.
 */
export async function readActiveJobs(
  log: EventLog,
  names: Names,
  logger: Logger,
  checkpoint?: ActiveJobsCheckpoint,
): Promise<Map<string, JobHistory>> {
  const { seq: fromSeq, jobs } = checkpoint ? await checkpoint.load() : { seq: 0, jobs: new Map() };
  // Up to the last job commit as the leader has it now: under load new commits keep coming, and a
  // reader chasing them would never finish (and would hold a whole core while it tries).
  const untilSeq = await log.lastSubjectSeq(names.allJobEvents);
  if (untilSeq <= fromSeq) return jobs;
  let sinceYield = 0;
  const read = {
    filter: names.allJobEvents,
    fromSeq: fromSeq + 1,
    throughSeq: untilSeq,
  };
  for await (const record of readThrough(log, read)) {
    // A long history is read while this frontend schedules: give its getTask and submits a turn.
    if (++sinceYield === READ_TURN_RECORDS) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (record.kind !== 'commit') {
      logger.warn({ seq: record.seq, reason: record.reason }, 'unreadable job commit skipped');
      continue;
    }
    const events = record.events as unknown as JobEvent[];
    applyRecord(jobs, events, record.seq, logger);
    for (const event of events) {
      const history = jobs.get(jobIdOf(event));
      if (history && isTerminal(history.state.status)) jobs.delete(jobIdOf(event));
    }
  }
  if (checkpoint && untilSeq - fromSeq >= checkpoint.everySeqs) checkpoint.save(untilSeq, jobs);
  return jobs;
}

/** One job as the log tells it, or undefined when it was never submitted. */
export async function readJob(
  log: EventLog,
  names: Names,
  jobId: string,
  logger: Logger,
): Promise<JobHistory | undefined> {
  const jobs = new Map<string, JobHistory>();
  for await (const record of readCurrent(log, { filter: names.jobEvents(jobId) })) {
    if (record.kind === 'commit')
      applyRecord(jobs, record.events as unknown as JobEvent[], record.seq, logger);
  }
  return jobs.get(jobId);
}
