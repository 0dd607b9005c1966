import { decide } from '../job-decide.ts';
import type { JobEvent } from '../job-events.ts';
import type { LaunchSpec } from '../launch-spec.ts';
import type { Handling } from './handling.ts';
import type { SlotRequest } from './inputs.ts';
import { jobToLendTo, lendBefore } from './lending.ts';
import type { NodeLoad } from './node-loads.ts';
import { launchSpec, type OwnedJob } from './owned-job.ts';
import { placeAgain } from './placing.ts';
import { reserveOneMore } from './reserving.ts';
import type { HandedOutFrom } from './scheduler-events.ts';

/**
 * A node monitor's reservation reached a free slot (getTask): late binding gives the reserving
 * job's next task, or "no task". A slot whose job has nothing left is offered to the oldest job
 * that has waited `lendAfterMs` with tasks unlaunched, when the reservation was of the same user
 * and priority and holds enough resources, so that a surplus reservation that reached a free slot
 * serves a job whose own reservations queue behind running tasks. With batch sampling such an
 * older job comes first even when the reserving job has tasks left (see yieldToOlder). The task
 * that launches there is recorded as launched.
 */
export function answerSlot(h: Handling, request: SlotRequest, load: NodeLoad | undefined): LaunchSpec | null {
  const { state, context } = h;
  if (load) h.apply({ type: 'NodeHeard', nodeId: request.nodeId, load, at: context.now() });
  const before = lendBefore(context);
  const owned = state.jobs.get(request.jobId);
  if (owned && owned.state.status === 'active') {
    const spec = yieldToOlder(h, owned, request, before) ?? ownTask(h, owned, request);
    if (spec) return spec;
  }
  const waiting = jobToLendTo(state.unlaunched.oldestFirst(), request, before);
  return waiting ? handOut(h, waiting, request.nodeId) : null;
}

/**
 * Older jobs first: a reservation reaching a slot while an older job of the same user and
 * priority has waited `lendAfterMs` with tasks unlaunched (its own reservations stuck behind
 * running tasks) serves that older job, and the reserving job, if now short of reservations for
 * its tasks, gets one more at a light node. Across this frontend's jobs that comes close to one
 * FIFO queue, which is what keeps the slowest jobs' last tasks from waiting: in bench:sparrow it
 * lowered p95 and p99 response in paired runs. Tasks bound to the node (packed) are left alone.
 */
function yieldToOlder(h: Handling, owned: OwnedJob, request: SlotRequest, before: number): LaunchSpec | null {
  if (h.context.placement !== 'batch' || owned.binding.unlaunchedCount === 0) return null;
  if (owned.bound.waitsAt(request.nodeId)) return null;
  const older = jobToLendTo(h.state.unlaunched.oldestFirst(), request, Math.min(before, owned.since - 1));
  if (!older || older === owned) return null;
  const spec = handOut(h, older, request.nodeId);
  if (!spec) return null;
  h.apply({ type: 'ReservationsUsed', job: owned, nodeId: request.nodeId, count: 1 });
  if (owned.binding.reservationsHeld < owned.binding.unlaunchedCount) reserveOneMore(h, owned);
  return spec;
}

/** A packed task bound to this node that fits what the reservation holds, else late binding's. */
function ownTask(h: Handling, owned: OwnedJob, request: SlotRequest): LaunchSpec | null {
  const packed = request.resources ? owned.bound.fitting(request.nodeId, request.resources) : null;
  if (packed !== null) {
    const attemptId = h.context.nextId();
    return launch(h, owned, packed, request.nodeId, attemptId, 'bound')
      ? launchSpec(owned, packed, attemptId)
      : null;
  }
  h.apply({ type: 'ReservationsUsed', job: owned, nodeId: request.nodeId, count: 1 });
  return handOut(h, owned, request.nodeId);
}

/** Late binding's next task of the job for a slot at this node, launched there. */
function handOut(h: Handling, owned: OwnedJob, nodeId: string): LaunchSpec | null {
  const taskId = owned.binding.next(nodeId);
  if (taskId !== null && owned.binding.unlaunchedCount === 1) {
    // The job's last task: the reservations it still holds elsewhere would call getTask in vain.
    // A cancel drops all of the job's reservations at a node, packed tasks' included.
    const leftover = owned.binding.leftoverReservations().filter((node) => !owned.bound.waitsAt(node));
    if (leftover.length > 0)
      h.apply({ type: 'ReservationsCancelled', job: owned, nodeIds: leftover, kill: false });
  }
  if (taskId === null) return null;
  const attemptId = h.context.nextId();
  return launch(h, owned, taskId, nodeId, attemptId, 'binding') ? launchSpec(owned, taskId, attemptId) : null;
}

/**
 * Records the task as launched at the node; false, and the task placed again, when its job refuses
 * (the job decider names why; it never should, except for a task that expired meanwhile).
 */
export function launch(
  h: Handling,
  owned: OwnedJob,
  taskId: string,
  nodeId: string,
  attemptId: string,
  from: HandedOutFrom,
): boolean {
  let launched: JobEvent[];
  try {
    launched = decide({ type: 'LaunchTask', taskId, nodeId, attemptId }, owned.state, h.context);
  } catch (error) {
    h.apply({ type: 'TaskNotLaunched', job: owned, taskId, from, error });
    // A task that expired while it waited in late binding is done with, not placed again.
    if (owned.state.tasks.get(taskId)?.status === 'pending') placeAgain(h, owned, [taskId]);
    return false;
  }
  h.apply({
    type: 'TaskHandedOut',
    job: owned,
    taskId,
    nodeId,
    attemptId,
    from,
    at: h.context.now(),
    launched,
  });
  return true;
}

/**
 * A reservation reached a slot while its job's key budget had no room (its frontend waited for a
 * hold and got none): the slot goes back unused, the reservation is spent, and the job, if now
 * short of reservations for its tasks, gets one more at a light node, which tries again.
 */
export function declineSlot(h: Handling, request: SlotRequest, load: NodeLoad | undefined): void {
  const { state, context } = h;
  if (load) h.apply({ type: 'NodeHeard', nodeId: request.nodeId, load, at: context.now() });
  const owned = state.jobs.get(request.jobId);
  if (owned?.state.status !== 'active') return;
  h.apply({ type: 'ReservationsUsed', job: owned, nodeId: request.nodeId, count: 1 });
  if (owned.binding.reservationsHeld < owned.binding.unlaunchedCount) reserveOneMore(h, owned);
}
