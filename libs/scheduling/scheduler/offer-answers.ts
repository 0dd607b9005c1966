import type { Handling } from './handling.ts';
import type { OfferOutcome } from './inputs.ts';
import type { NodeLoad } from './node-loads.ts';
import type { Offered, OwnedJob } from './owned-job.ts';
import { reserveOneMore } from './reserving.ts';
import { launch } from './slot-answers.ts';

/** A task of an active job that waits for a slot and is offered to none. */
const isUnclaimed = (owned: OwnedJob, taskId: string) =>
  owned.state.status === 'active' &&
  owned.state.tasks.get(taskId)?.status === 'pending' &&
  !owned.offered.has(taskId);

/**
 * A node answered launch offers: each launched task is recorded as launched there, or stopped
 * when it came too late to count (its job ended, or the task was released and launched elsewhere);
 * each declined one goes back to late binding, and reservations the node refused are made again
 * elsewhere.
 */
export function answerOffers(h: Handling, answer: OfferOutcome, load: NodeLoad | undefined): void {
  const { nodeId, jobId } = answer;
  if (load) h.apply({ type: 'NodeHeard', nodeId, load, at: h.context.now() });
  const owned = h.state.jobs.get(jobId);
  for (const { taskId, attemptId } of answer.launched) {
    let counts = false;
    if (owned && heldFor(owned.offered.get(taskId), nodeId, attemptId)) {
      counts = launch(h, owned, taskId, nodeId, attemptId, 'offered');
    } else if (owned && isUnclaimed(owned, taskId)) {
      // Given up on meanwhile (no answer in time) and not launched or offered elsewhere: it counts.
      counts = launch(h, owned, taskId, nodeId, attemptId, 'unclaimed');
    }
    if (!counts) h.apply({ type: 'AttemptStopped', jobId, nodeId, attemptId });
  }
  if (!owned) return;
  for (const taskId of answer.declined) {
    if (owned.offered.get(taskId)?.nodeId === nodeId)
      h.apply({ type: 'OfferDeclined', job: owned, taskId, nodeId });
  }
  if (answer.refused) refused(h, owned, nodeId, answer.refused);
}

/** The offer was held for this attempt at this node. */
function heldFor(held: Offered | undefined, nodeId: string, attemptId: string): boolean {
  return held !== undefined && held.nodeId === nodeId && held.attemptId === attemptId;
}

/**
 * The node's queue had no room for these reservation units: the job holds that many fewer there,
 * and if it is left with fewer reservations than tasks to launch it reserves again elsewhere
 * (not at that node, which would refuse again), instead of waiting for the re-placement tick.
 */
function refused(h: Handling, owned: OwnedJob, nodeId: string, units: number): void {
  h.apply({ type: 'ReservationsUsed', job: owned, nodeId, count: units });
  for (let i = 0; i < units && owned.binding.reservationsHeld < owned.binding.unlaunchedCount; i++)
    reserveOneMore(h, owned, nodeId);
}

/** Offers of the job given up on (their node left, or no answer came): back to late binding. */
export function releaseOffers(h: Handling, owned: OwnedJob, given: (held: Offered) => boolean): boolean {
  const taskIds: string[] = [];
  for (const [taskId, held] of owned.offered) if (given(held)) taskIds.push(taskId);
  if (taskIds.length === 0) return false;
  h.apply({ type: 'OffersReleased', job: owned, taskIds });
  return true;
}
