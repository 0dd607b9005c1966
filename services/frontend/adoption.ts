import type { Logger } from '@passerine/core';
import type { EventLog } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';
import type { ActiveJobsCheckpoint } from './active-jobs-checkpoint.ts';
import { readActiveJobs } from './job-history.ts';
import type { Scheduler } from './scheduler.ts';

/**
 * Which live frontend adopts the jobs of a dead one: every frontend computes the same answer from
 * the same membership, so exactly one of them reads the log (the fenced append settles any race).
 */
export function chooseAdopter(deadId: string, liveIds: readonly string[]): string | undefined {
  const sorted = [...liveIds].sort();
  if (sorted.length === 0) return undefined;
  let hash = 0;
  for (let i = 0; i < deadId.length; i++) hash = (hash * 31 + deadId.charCodeAt(i)) >>> 0;
  return sorted[hash % sorted.length];
}

/**
 * Adopts every active job whose frontend is dead and falls to this frontend. Returns the ids of the
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
    if (state.status !== 'active' || !owner || !shouldAdopt(owner) || scheduler.owned(jobId)) continue;
    if (await scheduler.adopt(state, lastSeq)) {
      previous.add(owner);
      adopted.push(jobId);
      logger.info({ jobId, previousFrontendId: owner }, 'job adopted');
    }
  }
  return { previousOwners: previous, adopted };
}
