/**
 * The operations of the scheduling protocol, each a subject's last token. Subjects are built only
 * from these, so a misspelt operation is a type error on the sender's or the server's side rather
 * than a request nobody serves.
 */

/** What a frontend (or a test standing for one) sends one node monitor. */
export const NODE_MONITOR_OPERATIONS = [
  /** Leave reservations of a job, maybe with tasks to launch on arrival (launch offers). */
  'reserve',
  /** Drop a job's reservations; maybe stop its running tasks, or one attempt. */
  'cancel',
  /** These task reports are durable: the node may forget them. */
  'reported',
  /** The node's load, asked for directly. */
  'load',
] as const;
export type NodeMonitorOperation = (typeof NODE_MONITOR_OPERATIONS)[number];

/** What node monitors (and other frontends) send one frontend. */
export const FRONTEND_OPERATIONS = [
  /** A reservation reached a free slot: which task runs there. */
  'getTask',
  /** One task report, answered once it is durable. */
  'taskEnded',
  /** Task reports of one node, in one message. */
  'reports',
  /** What became of the launch offers and reservations of one reserve message. */
  'offers',
  /** Cancel one job this frontend owns (forwarded by whichever frontend was asked). */
  'cancel',
  /** A page of the jobs this frontend schedules, newest first (the gateway merges every frontend's). */
  'running',
] as const;
export type FrontendOperation = (typeof FRONTEND_OPERATIONS)[number];

/** Job control any frontend answers (queue group). */
export const JOB_OPERATIONS = ['status', 'cancel'] as const;
export type JobOperation = (typeof JOB_OPERATIONS)[number];

/** What the dispatchers answer (queue group): runs by hand and backfills, and the runs' state. */
export const BATCH_OPERATIONS = ['dispatch', 'backfill', 'status', 'list'] as const;
export type BatchOperation = (typeof BATCH_OPERATIONS)[number];
