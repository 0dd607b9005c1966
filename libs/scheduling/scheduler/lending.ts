import { fits } from '../resources.ts';
import type { SlotRequest } from './inputs.ts';
import type { OwnedJob } from './owned-job.ts';
import type { SchedulerContext, SchedulerState } from './scheduler-state.ts';

/**
 * The job a surplus reservation's slot goes to: the oldest one that has waited since `before` with
 * tasks unlaunched, of the reservation's user and priority (so lending never jumps a queue policy),
 * that may run at this node and whose tasks fit what the reservation holds. Jobs that draw on a key
 * budget are never lent a slot: the hold is taken for the reserving job.
 */
export function jobToLendTo(
  jobs: Iterable<OwnedJob>,
  request: SlotRequest,
  before: number,
): OwnedJob | undefined {
  const { user, priority, resources } = request;
  if (typeof user !== 'string' || typeof priority !== 'number' || !resources) return undefined;
  for (const owned of jobs) {
    if (owned.since > before) break;
    if (owned.binding.unlaunchedCount === 0 || owned.state.status !== 'active') continue;
    // A key-budgeted job runs only on its own reservations, each of which takes a hold first.
    if (owned.job.limit !== undefined) continue;
    if (owned.job.user !== user || owned.job.priority !== priority) continue;
    if (owned.binding.canOffer(request.nodeId) && fits(owned.demand, resources)) return owned;
  }
  return undefined;
}

/** Jobs taken on before this have waited long enough to be lent slots (see lendAfterMs). */
export function lendBefore(context: SchedulerContext): number {
  return context.now() - context.lendAfterMs;
}

/**
 * Whether a job older than `owned`, waiting long enough, would take a slot at this node first
 * (see answerSlot): a slot there goes to it, so `owned` offers no tasks there.
 */
export function olderJobWaits(
  owned: OwnedJob,
  nodeId: string,
  state: SchedulerState,
  context: SchedulerContext,
): boolean {
  const { user, priority } = owned.job;
  const before = Math.min(lendBefore(context), owned.since - 1);
  const request = { jobId: owned.job.id, nodeId, user, priority, resources: owned.demand };
  const older = jobToLendTo(state.unlaunched.oldestFirst(), request, before);
  return older !== undefined && older !== owned;
}
