/**
 * Task output, collected centrally: what node monitors ship to the logs stream (acknowledged,
 * batched, bounded), how it is read back, and the kinds of things whose output can be asked for.
 * Subjects are named in libs/subjects; the stream's bounds are provisioned in libs/eventlog.
 */
export {
  asLogBatch,
  type DropBound,
  droppedNotices,
  type LogBatch,
  type LogLine,
  type LogOrigin,
  type LogStream,
} from './log-batch.ts';
export { AttemptLog, LogShipper, type LogShipperLimits, type LogShipperOptions } from './log-shipper.ts';
export { readLogs, type ReadLogsOptions } from './read-logs.ts';
export {
  jobLogKind,
  jobLogSource,
  type LogSource,
  type LogSourceKind,
  logSourceKinds,
  resolveLogSource,
  unitLogKind,
  unitLogSource,
} from './log-sources.ts';
export { formatShownLine, LogView, type LogViewOptions, type ShownLine } from './log-view.ts';
