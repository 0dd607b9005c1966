import type { Reservation } from '../probe-plan.ts';
import { sampleLeastLoaded } from '../random.ts';
import { NO_RESOURCES } from '../resources.ts';
import type { Handling } from './handling.ts';
import { decideSend } from './launch-offers.ts';
import type { OwnedJob } from './owned-job.ts';

/** Sends reservations of the job (launch offers attached, see decideSend). */
export function send(h: Handling, owned: OwnedJob, reservations: readonly Reservation[]): void {
  h.applyAll(decideSend(owned, reservations, h.state, h.context));
}

/**
 * One more reservation (holding nothing, as batch sampling's do) for a job that gave one of its
 * slots away or had one refused, at the lighter of two live nodes that may run its tasks (other
 * than `avoid`); none when no live node may.
 */
export function reserveOneMore(h: Handling, owned: OwnedJob, avoid?: string): void {
  const { context, state } = h;
  const allowed = context.nodes.live().filter((node) => node.id !== avoid && owned.binding.canOffer(node.id));
  const [node] = sampleLeastLoaded(allowed, 1, context.random, state.loads.loadOf);
  if (!node) return;
  h.apply({ type: 'ReservationsAdded', job: owned, nodeId: node.id, count: 1 });
  send(h, owned, [{ nodeId: node.id, count: 1, resources: NO_RESOURCES }]);
}

/**
 * Idle slots pull: a node that has `freeSlots` and no reservation queued gets reservations of the
 * oldest jobs taken on before `waitedSince` that still have tasks to launch and may run there,
 * one per free slot. Sampling alone leaves such a slot idle until some probe happens to land on
 * it, while a task of an older job waits behind running tasks elsewhere.
 */
export function fillIdleSlots(h: Handling, nodeId: string, freeSlots: number, waitedSince: number): void {
  let free = freeSlots;
  for (const owned of h.state.unlaunched.oldestFirst()) {
    if (free <= 0 || owned.since > waitedSince) return;
    if (owned.state.status !== 'active' || !owned.binding.canOffer(nodeId)) continue;
    const count = Math.min(free, owned.binding.unlaunchedCount);
    free -= count;
    h.apply({ type: 'ReservationsAdded', job: owned, nodeId, count });
    send(h, owned, [{ nodeId, count, resources: NO_RESOURCES }]);
  }
}
