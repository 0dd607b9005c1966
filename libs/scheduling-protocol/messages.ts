import type { ExecutionStatus } from '@passerine/executors';
import type {
  JobResult,
  LaunchSpec,
  NodeLoad,
  NodeView,
  OfferOutcome,
  QueuedReservation,
  SlotRequest,
  TaskEnd,
} from '@passerine/scheduling';

export type { LaunchSpec };

/**
 * The messages between frontends and node monitors, in Sparrow's flow:
 * reserve → (reservation reaches the front) getTask → launch → taskEnded.
 *
 * A task's end travels on the next getTask to its frontend when the freed slot claims one of its
 * reservations at once (GetTaskRequest.ended), else in one ReportBatch per frontend with the other
 * reports of that event-loop turn; the frontend acknowledges each once it is durable (ReportAck).
 * A report not acknowledged in time is sent again as a taskEnded request, which every frontend
 * version and every adopter of a dead frontend answers.
 *
 * Subjects: `names.nodeMonitor(nodeId, op)` and `names.frontend(frontendId, op)` of libs/subjects,
 * whose operations are typed there.
 */

/** Most task reports one getTask, batch or acknowledgement carries. */
export const MAX_REPORTS_PER_MESSAGE = 64;

/**
 * What a node monitor advertises in the node bucket on every heartbeat: the node as frontends see
 * it, with its queue length always given (and `takesOffers`: it launches tasks sent along with
 * reservations, ReserveMessage.offers). An advert older than a frontend's stale limit is a dead node.
 */
export interface NodeAdvert extends NodeView {
  queueLength: number;
  /** Taken out of service (`passerine nodes cordon`): it finishes what it runs and takes nothing new. */
  cordoned?: boolean;
  /** Tasks running at the node now. */
  running?: number;
}

/**
 * Frontend → node monitor: leave `count` reservations of a job. A frontend that believes the node
 * has idle slots sends tasks along (`offers`, at most `count`): each launches as the message
 * arrives if a slot is free then, sparing the getTask round trip, and is declined otherwise, its
 * reservation queuing like the others. Either way the frontend hears back (OfferAnswer).
 */
export interface ReserveMessage extends QueuedReservation {
  offers?: LaunchSpec[];
}

/**
 * Node monitor → frontend: what became of the launch offers of one reservation message, and of the
 * reservations themselves when the node's queue had no room for them.
 */
export interface OfferAnswer extends OfferOutcome {
  load: LoadReply;
}

/**
 * Frontend → node monitor: drop the job's reservations; with `kill`, also stop its running tasks,
 * or, with `attemptId`, that attempt alone (a launch offer answered too late to count).
 */
export interface CancelMessage {
  jobId: string;
  kill?: boolean;
  attemptId?: string;
  /**
   * An adopter's request (with a reply subject): stop every run of the job but these attempts,
   * and answer once they have ended. Reservations stay; the adopter serves them.
   */
  keepAttempts?: string[];
}

/** Node monitor → frontend: a reservation reached the front and a slot is held for it. */
export interface GetTaskRequest extends SlotRequest {
  /** The node's load as the slot is taken: frontends place their next probes by it. */
  load?: LoadReply;
  /** Ends of this frontend's tasks at the node not reported yet (at most MAX_REPORTS_PER_MESSAGE). */
  ended?: TaskEndedReport[];
}

/** The task to launch now, or null: "no task" — the job is fully launched, finished, cancelled or unknown. */
export type GetTaskReply = LaunchSpec | null;

/** Node monitor → frontend: how an attempt ended. */
export interface TaskEndedReport extends TaskEnd {
  status: ExecutionStatus;
  /** The node's load once this attempt's slot is free again. */
  load?: LoadReply;
}

/** Node monitor → frontend (`reports`): task ends not carried on a getTask. */
export interface ReportBatch {
  nodeId: string;
  reports: TaskEndedReport[];
}

/** Frontend → node monitor (`reported`): these attempts' ends are durable; the node may forget them. */
export interface ReportAck {
  attemptIds: string[];
}

/** A node's load: slots in use, reservations queued, and slots in all. */
export type LoadReply = NodeLoad;

/** What a frontend advertises in the frontend bucket: frontends adopt the jobs of dead ones. */
export interface FrontendAdvert {
  id: string;
  lastHeartbeat: number;
}

/** A frontend's answer to a job submission (`names.submitJob`). */
export interface SubmitReply {
  jobId: string;
  /** Waiting: accepted, with a not-before time still ahead. */
  status: 'accepted' | 'waiting' | 'completed';
  /** Set when the job had no tasks: it completed at once (or, for a repeat, when it has ended). */
  result?: JobResult;
  /** Set when this was a repeat of an earlier submit under the same idempotency key: `jobId` is its job. */
  repeated?: boolean;
}
