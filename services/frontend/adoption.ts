import type { Logger } from '@passerine/core';
import type { EventLog } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';
import type { ActiveJobsCheckpoint } from './active-jobs-checkpoint.ts';
import { readActiveJobs } from './job-history.ts';
import type { Scheduler } from './scheduler.ts';

/**
 * Adopts every active (or waiting) job whose frontend is dead and falls to this frontend. Returns the ids of the
 * frontends whose jobs were taken over (their subjects must now be served here, since node monitors
 * still hold their reservations and report to them) and of the jobs adopted.
 */
export async function adoptOrphans(
  log: EventLog,
  names: Names,
  scheduler: Scheduler,
  /** True for a frontend that is dead and whose jobs this frontend is the one to adopt. */
  shouldAdopt: (frontendId: string) => boolean,
  logger: Logger,
  checkpoint?: ActiveJobsCheckpoint,
): Promise<{ previousOwners: Set<string>; adopted: string[] }> {
  const jobs = await readActiveJobs(log, names, logger, checkpoint);
  const previous = new Set<string>();
  const adopted: string[] = [];
  for (const [jobId, { state, lastSeq }] of jobs) {
    const owner = state.frontendId;
    const open = state.status === 'active' || state.status === 'waiting';
    if (!open || !owner || !shouldAdopt(owner) || scheduler.owned(jobId)) continue;
    if (await scheduler.adopt(state, lastSeq)) {
      previous.add(owner);
      adopted.push(jobId);
      logger.info({ jobId, previousFrontendId: owner }, 'job adopted');
    }
  }
  return { previousOwners: previous, adopted };
}
