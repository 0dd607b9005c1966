import type { OfferCursor } from '../late-binding.ts';
import type { LaunchSpec } from '../launch-spec.ts';
import type { Reservation } from '../probe-plan.ts';
import { isEmpty } from '../resources.ts';
import { olderJobWaits } from './lending.ts';
import { launchSpec, type OwnedJob } from './owned-job.ts';
import type { OfferingReservation, SchedulerEvent } from './scheduler-events.ts';
import type { SchedulerContext, SchedulerState } from './scheduler-state.ts';

const NO_OFFERS: LaunchSpec[] = [];

/**
 * Sending reservations of a job, with launch offers: a reservation sent to a node this frontend
 * believes has idle slots carries tasks along, which the node launches on arrival if a slot is
 * still free. Late binding spends a getTask round trip on every task so that no task waits in a
 * queue it was bound to; a slot that is idle has no queue, so the round trip buys nothing there.
 * An offered task is held for its node, out of late binding, until the node answers that it
 * launched it (recorded then) or declined it (it goes back to late binding, its reservation queued
 * at the node as any other). Pure: the events say which tasks go where.
 */
export function decideSend(
  owned: OwnedJob,
  reservations: readonly Reservation[],
  state: SchedulerState,
  context: SchedulerContext,
): SchedulerEvent[] {
  const events: SchedulerEvent[] = [];
  const { send, cancel } = attachOffers(owned, reservations, state, context, events);
  if (send.length > 0) events.push({ type: 'ReservationsSent', job: owned, reservations: send });
  // A cancel drops all of the job's reservations at a node, packed tasks' included.
  const leftover = cancel.filter((node) => !owned.bound.waitsAt(node));
  if (leftover.length > 0)
    events.push({ type: 'ReservationsCancelled', job: owned, nodeIds: leftover, kill: false });
  return events;
}

/**
 * The tasks to send with these reservations of the job, one per slot believed idle (each a
 * TaskOffered pushed onto `offered`), and the nodes whose reservations are left over once the
 * job's last task is offered (to be cancelled). Batch sampling only, for jobs whose tasks ask for
 * no resources and that draw on no key budget, and never while an older job waits for a slot there (it comes first, see
 * answerSlot).
 */
function attachOffers(
  owned: OwnedJob,
  reservations: readonly Reservation[],
  state: SchedulerState,
  context: SchedulerContext,
  offered: SchedulerEvent[],
): { send: OfferingReservation[]; cancel: string[] } {
  // A job that draws on a key budget launches only through getTask, where its frontend takes a
  // hold on the budget first: an offer would launch with none.
  const offers =
    context.placement === 'batch' &&
    isEmpty(owned.demand) &&
    owned.state.status === 'active' &&
    owned.job.limit === undefined;
  if (!offers) return { send: [...reservations], cancel: [] };
  const cursor = owned.binding.cursor();
  const uses = new Map<string, number>();
  let cancel: string[] = [];
  const send = reservations.map((reservation): OfferingReservation => {
    const specs = offersAt(owned, reservation, cursor, state, context, offered);
    if (specs.length === 0) return reservation;
    uses.set(reservation.nodeId, (uses.get(reservation.nodeId) ?? 0) + specs.length);
    // The offer that took the job's last task: the reservations it still holds are left over.
    if (cursor.taken.size === owned.binding.unlaunchedCount) cancel = heldAfter(owned, uses);
    return { ...reservation, offers: specs };
  });
  if (cancel.length === 0) return { send, cancel };
  // The job's tasks are all offered: reservations without offers would only call getTask in vain.
  const leftover = new Set(cancel);
  const sending = new Set(send.map((r) => r.nodeId));
  return {
    send: send.flatMap((r) => {
      if (!leftover.has(r.nodeId)) return [r];
      const count = r.offers?.length ?? 0;
      return count > 0 ? [{ ...r, count }] : [];
    }),
    cancel: cancel.filter((nodeId) => !sending.has(nodeId)),
  };
}

/** Nodes where the job still holds reservations once each offer has used one at its node. */
function heldAfter(owned: OwnedJob, uses: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [nodeId, held] of owned.binding.heldReservations()) {
    if (held > (uses.get(nodeId) ?? 0)) out.push(nodeId);
  }
  return out;
}

/** The offers for one reservation: tasks late binding would hand out at its node, one per idle slot. */
function offersAt(
  owned: OwnedJob,
  reservation: Reservation,
  cursor: OfferCursor,
  state: SchedulerState,
  context: SchedulerContext,
  offered: SchedulerEvent[],
): LaunchSpec[] {
  const { nodeId } = reservation;
  const node = context.nodes.get(nodeId);
  if (!node?.takesOffers || (reservation.resources && !isEmpty(reservation.resources))) return NO_OFFERS;
  const room = Math.min(reservation.count, state.loads.idleSlots(node));
  if (room === 0 || olderJobWaits(owned, nodeId, state, context)) return NO_OFFERS;
  let specs = NO_OFFERS;
  const at = context.now();
  for (let n = 0; n < room; n++) {
    const taskId = owned.binding.nextFor(nodeId, cursor);
    if (taskId === null) break;
    const attemptId = context.nextId();
    offered.push({ type: 'TaskOffered', job: owned, taskId, nodeId, attemptId, at });
    if (specs === NO_OFFERS) specs = [];
    specs.push(launchSpec(owned, taskId, attemptId));
  }
  return specs;
}
