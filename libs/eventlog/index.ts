export type {
  AppendOptions,
  AppendResult,
  CommitRecord,
  CorruptRecord,
  EventLog,
  LogRecord,
  ReadOptions,
} from './types.ts';
export { JetStreamEventLog, type JetStreamEventLogOptions } from './jetstream-log.ts';
export { ensureEventStream, defaultEventStreamLimits, type EventStreamLimits } from './stream.ts';
export { provision, type ProvisionOptions } from './provision.ts';
export { encodeCommit, decodeCommit } from './commit-codec.ts';
export {
  type CommitObserver,
  GroupCommitter,
  type GroupCommitOptions,
  type GroupAppendResult,
} from './group-commit.ts';
export {
  runProjector,
  defaultProblemPolicy,
  ProjectionStoppedError,
  type Projector,
  type ProjectorOptions,
  type Problem,
  type ProblemPolicy,
} from './projector.ts';
export { SnapshotStore, type Snapshot } from './snapshots.ts';
export {
  EventArchive,
  HistoryGoneError,
  segmentName,
  type ArchiveSegment,
  type ArchivedMessage,
  type EventArchiveOptions,
} from './archive.ts';
export { subjectMatches } from './archived-read.ts';
export { readCurrent, readThrough, CATCH_UP_MS, type ReadThroughOptions } from './read-through.ts';
export {
  compactStream,
  compactionPoint,
  type CompactionOptions,
  type CompactionResult,
} from './compaction.ts';
export { eventLogOf } from './event-log-of.ts';
export { createBackup, restoreBackup, type BackupSummary } from './backup/backup.ts';
export { readBackup, BackupWriter, BACKUP_FORMAT, type BackupHeader } from './backup/backup-format.ts';
export { EventVersionGate, type VersionAdvert, type VersionGateOptions } from './version-gate.ts';
