import type { Clock, IdSource } from '@passerine/core';
import type { LaunchSpec, NodeAdvert } from '@passerine/scheduling-protocol';
import { isEmpty, type Reservation } from '@passerine/scheduling';
import { jobToLendTo } from './lending.ts';
import type { MembershipView } from './membership-view.ts';
import type { NodeLoads } from './node-loads.ts';
import { launchSpec, type OwnedJob } from './owned-job.ts';
import type { PlacementMode } from './placement.ts';
import type { UnlaunchedJobs } from './unlaunched-jobs.ts';

export interface LaunchOffersDeps {
  nodes: MembershipView<NodeAdvert>;
  loads: NodeLoads;
  unlaunched: UnlaunchedJobs<OwnedJob>;
  placement: PlacementMode;
  ids: IdSource;
  clock: Clock;
  /** See FrontendOptions.lendAfterMs. */
  lendAfterMs: number;
}

/** Reservations as sent: some carry tasks for the node to launch on arrival. */
export type OfferingReservation = Reservation & { offers?: LaunchSpec[] };

/**
 * Launch offers: a reservation sent to a node this frontend believes has idle slots carries tasks
 * along, which the node launches on arrival if a slot is still free. Late binding spends a getTask
 * round trip on every task so that no task waits in a queue it was bound to; a slot that is idle
 * has no queue, so the round trip buys nothing there. An offered task is held for its node, out of
 * late binding, until the node answers that it launched it (recorded then) or declined it (it goes
 * back to late binding, its reservation queued at the node as any other).
 */
export class LaunchOffers {
  constructor(private readonly deps: LaunchOffersDeps) {}

  /**
   * The tasks to send with these reservations of the job, one per slot believed idle, and the
   * nodes whose reservations are left over once the job's last task is offered (to be cancelled).
   * Batch sampling only, for jobs whose tasks ask for no resources, and never while an older job
   * waits for a slot there (it comes first, see SlotAnswers).
   */
  attach(
    owned: OwnedJob,
    reservations: readonly Reservation[],
  ): { send: OfferingReservation[]; cancel: string[] } {
    if (!this.offersFor(owned)) return { send: [...reservations], cancel: [] };
    let cancel: string[] = [];
    const send = reservations.map((reservation): OfferingReservation => {
      const { offers, leftover } = this.offersAt(owned, reservation);
      if (leftover.length > 0) cancel = leftover;
      return offers.length > 0 ? { ...reservation, offers } : reservation;
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

  /** The node launched an offered task: true when it was held for this attempt there (no longer). */
  launched(owned: OwnedJob, nodeId: string, taskId: string, attemptId: string): boolean {
    const held = owned.offered.get(taskId);
    if (!held || held.nodeId !== nodeId || held.attemptId !== attemptId) return false;
    owned.offered.delete(taskId);
    return true;
  }

  /** The node declined an offered task: back to late binding, its reservation queued at the node. */
  declined(owned: OwnedJob, nodeId: string, taskId: string): void {
    const held = owned.offered.get(taskId);
    if (!held || held.nodeId !== nodeId) return;
    owned.offered.delete(taskId);
    owned.binding.addReservations(nodeId, 1);
    this.giveBack(owned, taskId);
  }

  /** Offers held at a node that is gone: back to late binding. Returns whether there were any. */
  releaseAt(owned: OwnedJob, nodeId: string): boolean {
    return this.releaseWhere(owned, (held) => held.nodeId === nodeId);
  }

  /** Offers unanswered for longer than `ms` (lost on the way): back to late binding. */
  releaseOlderThan(owned: OwnedJob, ms: number): void {
    const before = this.deps.clock.now() - ms;
    this.releaseWhere(owned, (held) => held.at <= before);
  }

  private releaseWhere(owned: OwnedJob, given: (held: { nodeId: string; at: number }) => boolean): boolean {
    let released = false;
    for (const [taskId, held] of owned.offered) {
      if (!given(held)) continue;
      owned.offered.delete(taskId);
      this.giveBack(owned, taskId);
      released = true;
    }
    return released;
  }

  private giveBack(owned: OwnedJob, taskId: string): void {
    owned.binding.giveBack(taskId);
    this.deps.unlaunched.add(owned);
  }

  private offersFor(owned: OwnedJob): boolean {
    return this.deps.placement === 'batch' && isEmpty(owned.demand) && owned.state.status === 'active';
  }

  /** The offers for one reservation, and the job's leftover reservations if they take its last task. */
  private offersAt(owned: OwnedJob, reservation: Reservation): { offers: LaunchSpec[]; leftover: string[] } {
    const none = { offers: [], leftover: [] };
    const { nodeId } = reservation;
    const node = this.deps.nodes.get(nodeId);
    if (!node?.takesOffers || (reservation.resources && !isEmpty(reservation.resources))) return none;
    let room = Math.min(reservation.count, this.deps.loads.idleSlots(node));
    if (room === 0 || this.olderJobWaits(owned, nodeId)) return none;
    const offers: LaunchSpec[] = [];
    let leftover: string[] = [];
    const now = this.deps.clock.now();
    while (room-- > 0 && owned.binding.canOffer(nodeId)) {
      const answer = owned.binding.getTask(nodeId);
      if (answer.cancel.length > 0) leftover = answer.cancel;
      if (answer.taskId === null) break;
      const attemptId = this.deps.ids.next();
      owned.offered.set(answer.taskId, { nodeId, attemptId, at: now });
      offers.push(launchSpec(owned, answer.taskId, attemptId));
    }
    return { offers, leftover };
  }

  private olderJobWaits(owned: OwnedJob, nodeId: string): boolean {
    const { user, priority } = owned.job;
    const before = Math.min(this.deps.clock.now() - this.deps.lendAfterMs, owned.since - 1);
    const request = { jobId: owned.job.id, nodeId, user, priority, resources: owned.demand };
    const older = jobToLendTo(this.deps.unlaunched.oldestFirst(), request, before);
    return older !== undefined && older !== owned;
  }
}
