import type { ExecutionStatus, OutputStream } from '@passerine/executors';
import type { CommandSpec, JobResult, NodeView, QueuedReservation, Resources } from '@passerine/scheduling';

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
 * it, with its queue length always given. An advert older than a frontend's stale limit is a dead
 * node.
 */
export interface NodeAdvert extends NodeView {
  queueLength: number;
  /**
   * The node launches tasks sent along with reservations (ReserveMessage.offers). Frontends send
   * offers only to nodes that say so: a node monitor of an older version would queue the
   * reservation and leave the offered tasks held until the frontend gives up on them.
   */
  takesOffers?: boolean;
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
export interface OfferAnswer {
  jobId: string;
  nodeId: string;
  launched: Array<{ taskId: string; attemptId: string }>;
  declined: string[];
  /** Reservation units refused (maxQueuedReservations): the frontend places them elsewhere. */
  refused?: number;
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
}

/** Node monitor → frontend: a reservation reached the front and a slot is held for it. */
export interface GetTaskRequest {
  jobId: string;
  nodeId: string;
  /**
   * The reservation's user, priority and the resources held for it: when its job has no task
   * left, the frontend may hand the slot to a waiting job of the same user and priority that fits.
   */
  user?: string;
  priority?: number;
  resources?: Resources;
  /** The node's load as the slot is taken: frontends place their next probes by it. */
  load?: LoadReply;
  /** Ends of this frontend's tasks at the node not reported yet (at most MAX_REPORTS_PER_MESSAGE). */
  ended?: TaskEndedReport[];
}

/** The task to launch now. */
export interface LaunchSpec {
  jobId: string;
  taskId: string;
  attemptId: string;
  user: string;
  payload?: Uint8Array;
  command?: CommandSpec;
  resources: Resources;
}

/** null: "no task" — the job is fully launched, finished, cancelled or unknown. */
export type GetTaskReply = LaunchSpec | null;

/** Node monitor → frontend: how an attempt ended. */
export interface TaskEndedReport {
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  status: ExecutionStatus;
  exitCode: number | null;
  signal: string | null;
  error?: string;
  /** ms since the epoch, on the node monitor's clock. */
  startedAt: number;
  endedAt: number;
  /** When the reservation reached the node and when getTask was sent (ms, node monitor's clock). */
  reservedAt?: number;
  requestedAt?: number;
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
export interface LoadReply {
  queueLength: number;
  running: number;
  slots: number;
}

/** One output line of a task, on the logs stream (`names.jobLogs(jobId)`). */
export interface OutputLine {
  jobId: string;
  taskId: string;
  attemptId: string;
  nodeId: string;
  stream: OutputStream;
  line: string;
  time: number;
}

/** What a frontend advertises in the frontend bucket: frontends adopt the jobs of dead ones. */
export interface FrontendAdvert {
  id: string;
  lastHeartbeat: number;
}

/** A frontend's answer to a job submission (`names.submitJob`). */
export interface SubmitReply {
  jobId: string;
  status: 'accepted' | 'completed';
  /** Set when the job had no tasks: it completed at once. */
  result?: JobResult;
}
