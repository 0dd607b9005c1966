import type { GetTaskRequest } from '@passerine/scheduling-protocol';
import { fits } from '@passerine/scheduling';
import type { OwnedJob } from './owned-job.ts';

/**
 * The job a surplus reservation's slot goes to: the oldest one that has waited since `before` with
 * tasks unlaunched, of the reservation's user and priority (so lending never jumps a queue policy),
 * that may run at this node and whose tasks fit what the reservation holds.
 */
export function jobToLendTo(
  jobs: Iterable<OwnedJob>,
  request: GetTaskRequest,
  before: number,
): OwnedJob | undefined {
  const { user, priority, resources } = request;
  if (typeof user !== 'string' || typeof priority !== 'number' || !resources) return undefined;
  for (const owned of jobs) {
    if (owned.since > before) break;
    if (owned.binding.unlaunchedCount === 0 || owned.state.status !== 'active') continue;
    if (owned.job.user !== user || owned.job.priority !== priority) continue;
    if (owned.binding.canOffer(request.nodeId) && fits(owned.demand, resources)) return owned;
  }
  return undefined;
}
