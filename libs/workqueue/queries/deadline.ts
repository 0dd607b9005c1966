import type { NamespaceState } from '../state.ts';

/**
 * When the timer should next tick (ms), or null when nothing is waiting on the clock: the
 * earliest lease expiry, delayed unit or worker expiry (continuous specs wait for a get_work). The store
 * sets its timer to this after every commit, so the clock drives expiry, not whoever asks next.
 */
export function nextDeadline(state: NamespaceState): number | null {
  let next = Number.POSITIVE_INFINITY;
  const lease = state.leases.peek();
  if (lease) next = Math.min(next, lease.expiresAt);
  const delayed = state.delayed.peek();
  if (delayed) next = Math.min(next, delayed.availableAt);
  const expiring = state.expiring.peek();
  if (expiring) next = Math.min(next, expiring.at);
  for (const worker of state.workers.values())
    if (worker.expiresAt > 0) next = Math.min(next, worker.expiresAt);
  return Number.isFinite(next) ? next : null;
}
