export { NodeMonitor } from './node-monitor.ts';
export type { NodeMonitorOptions } from './options.ts';
export type * from './protocol.ts';
export { openMembershipBucket } from './membership-bucket.ts';
export { createMessageCounter, uncounted, type MessageCounter } from './message-counter.ts';
export type { RunContext, TaskRunner } from './task-runner.ts';
export {
  encodePayload,
  serveExternalWorker,
  createDefaultRunner,
  type PayloadTask,
  type WorkerResult,
} from './runners.ts';
export type { OutputLine } from './task-output.ts';
export { MAX_OFFERS } from './reserve-message.ts';
export { MAX_REPORTS_PER_MESSAGE } from './protocol.ts';
export { validReports } from './report-validation.ts';
export { decodeOrDrop } from './wire-message.ts';
