import type { Resources } from '../resources.ts';

/** What node monitors tell a frontend's scheduler; the scheduling protocol's messages carry them. */

/** A reservation reached a free slot at a node: which task runs there (late binding). */
export interface SlotRequest {
  jobId: string;
  nodeId: string;
  /**
   * The reservation's user, priority and the resources held for it: when its job has no task
   * left, the frontend may hand the slot to a waiting job of the same user and priority that fits.
   */
  user?: string;
  priority?: number;
  resources?: Resources;
}

/** How one attempt ended, as its node monitor saw it. */
export interface TaskEnd {
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  exitCode: number | null;
  signal: string | null;
  error?: string;
  /** ms since the epoch, on the node monitor's clock. */
  startedAt: number;
  endedAt: number;
  /** When the reservation reached the node and when getTask was sent (ms, node monitor's clock). */
  reservedAt?: number;
  requestedAt?: number;
}

/**
 * What became of the launch offers of one reservation message, and of the reservations themselves
 * when the node's queue had no room for them.
 */
export interface OfferOutcome {
  jobId: string;
  nodeId: string;
  launched: Array<{ taskId: string; attemptId: string }>;
  declined: string[];
  /** Reservation units refused (the node's queue was full): the frontend places them elsewhere. */
  refused?: number;
}
