import { decide } from '../job-decide.ts';
import type { Handling } from './handling.ts';
import { record } from './job-records.ts';
import { releaseOffers } from './offer-answers.ts';
import { type OwnedJob, tasksWithStatus } from './owned-job.ts';
import { placeAgain, seekRoom } from './placing.ts';

/** A node monitor died: its attempts are retried elsewhere (or fail once retries are used up). */
export function nodeLost(h: Handling, nodeId: string): void {
  h.apply({ type: 'NodeForgotten', nodeId });
  for (const owned of [...h.state.jobs.values()]) {
    const released = owned.offered.size > 0 && releaseOffers(h, owned, (held) => held.nodeId === nodeId);
    loseNode(h, owned, nodeId, released);
  }
}

/**
 * One job loses a node: its attempts there are retried (or failed), and its tasks are placed again
 * when some were retried, or when the node held reservations of tasks still to launch.
 */
export function loseNode(h: Handling, owned: OwnedJob, nodeId: string, offersReleased = false): void {
  if (owned.state.status !== 'active') return;
  const events = decide({ type: 'ReportNodeLost', nodeId }, owned.state, h.context);
  const held = owned.holders.has(nodeId);
  if (held) h.apply({ type: 'HolderLost', job: owned, nodeId });
  if (events.length > 0) record(h, owned, events);
  const retried = events.some((e) => e.type === 'TaskRetried');
  const unlaunched = owned.binding.unlaunchedCount + owned.bound.size;
  if (retried || ((held || offersReleased) && unlaunched > 0)) {
    placeAgain(h, owned, tasksWithStatus(owned, 'pending'));
  }
}

/**
 * Re-places the waiting tasks of jobs that have made no progress for a while (lost reservations),
 * and gives up on launch offers unanswered that long (lost on the way: a malformed or dropped
 * message).
 */
export function replaceStarved(h: Handling, olderThanMs: number): void {
  seekRoom(h);
  const now = h.context.now();
  for (const owned of h.state.jobs.values()) {
    if (owned.offered.size > 0) {
      const before = h.context.now() - olderThanMs;
      releaseOffers(h, owned, (held) => held.at <= before);
    }
    if (!owned.durable || now - owned.lastProgress < olderThanMs) continue;
    const pending = tasksWithStatus(owned, 'pending');
    if (pending.length > 0) placeAgain(h, owned, pending);
    else h.apply({ type: 'JobChecked', job: owned, at: now });
  }
}
