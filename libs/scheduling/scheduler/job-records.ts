import type { JobEvent } from '../job-events.ts';
import type { Handling } from './handling.ts';
import type { OwnedJob } from './owned-job.ts';

/**
 * Job events decided for the log. A job they end is let go: it leaves the scheduler, the
 * reservations it still holds are cancelled, and its end is announced once it is durable.
 */
export function record(h: Handling, owned: OwnedJob, events: JobEvent[], reason?: string): void {
  h.apply({ type: 'JobRecorded', job: owned, events });
  if (owned.state.status === 'active' || owned.state.status === 'waiting') return;
  h.apply({ type: 'JobEnded', job: owned, ...(reason !== undefined && { reason }) });
  const leftover = owned.binding.leftoverReservations();
  if (leftover.length > 0)
    h.apply({ type: 'ReservationsCancelled', job: owned, nodeIds: leftover, kill: false });
}
