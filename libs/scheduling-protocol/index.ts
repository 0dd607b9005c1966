/**
 * The scheduling protocol: the messages frontends, node monitors and submitters exchange, how each
 * is checked as it comes off the wire, the membership buckets they advertise in, and a client of
 * the frontends' job API. The subjects and their operations are named in libs/subjects.
 */
export type * from './messages.ts';
export { MAX_REPORTS_PER_MESSAGE } from './messages.ts';
export { decodeOrDrop } from './wire-message.ts';
export { MAX_OFFERS, parseReserve } from './reserve-message.ts';
export { validAttemptIds, validReports } from './report-validation.ts';
export { validLoad, validOfferAnswer } from './answer-validation.ts';
export {
  decodePayload,
  encodePayload,
  type FunctionRef,
  type PayloadTask,
  TASK_LIMITS,
} from './task-payloads.ts';
export type { TaskNotice, TaskOutcome, TaskStarted } from './task-notices.ts';
export { createMessageCounter, type MessageCounter, uncounted } from './message-counter.ts';
export { MEMBERSHIP_MAX_AGE_MS, openMembershipBucket, readAdverts } from './membership-bucket.ts';
export { MembershipView, type MembershipViewOptions } from './membership-view.ts';
export {
  awaitJob,
  cancelJob,
  type FollowedJob,
  followJob,
  jobStatus,
  submitJob,
} from './scheduler-client.ts';
export { type Cordon, cordon, openCordonBucket, readCordon, uncordon } from './cordons.ts';
export {
  listRunningJobs,
  MAX_RUNNING_JOBS_LISTED,
  type RunningJob,
  type RunningJobsCursor,
  type RunningJobsPage,
  type RunningJobsReply,
  type RunningJobsRequest,
  runningJobsPage,
  validRunningJobsRequest,
} from './running-jobs.ts';
