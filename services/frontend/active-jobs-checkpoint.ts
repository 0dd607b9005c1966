import { decode, encode, type Logger } from '@passerine/core';
import type { SnapshotStore } from '@passerine/eventlog';
import type { JobState, TaskState } from '@passerine/scheduling';
import type { JobHistory } from './job-history.ts';

/** Bumped when the encoding changes: a checkpoint of another version is ignored, not misread. */
const VERSION = 1;
const PROJECTION = 'frontend-active-jobs';

type EncodedJob = [
  jobId: string,
  lastSeq: number,
  state: Omit<JobState, 'tasks'>,
  tasks: Array<[string, TaskState]>,
];

export function encodeActiveJobs(jobs: ReadonlyMap<string, JobHistory>): Uint8Array {
  const encoded: EncodedJob[] = [];
  for (const [jobId, { state, lastSeq }] of jobs) {
    const { tasks, ...rest } = state;
    encoded.push([jobId, lastSeq, rest, [...tasks]]);
  }
  return encode({ v: VERSION, jobs: encoded });
}

/** The active jobs of a checkpoint, or undefined when it is of another version. */
export function decodeActiveJobs(data: Uint8Array): Map<string, JobHistory> | undefined {
  const value = decode<{ v?: number; jobs?: EncodedJob[] }>(data);
  if (value?.v !== VERSION || !Array.isArray(value.jobs)) return undefined;
  return new Map(
    value.jobs.map(([jobId, lastSeq, state, tasks]) => [
      jobId,
      // A checkpoint from before expiry existed has no count of expired tasks: none were.
      { lastSeq, state: { ...state, expired: state.expired ?? 0, tasks: new Map(tasks) } },
    ]),
  );
}

/**
 * The jobs still active as of a log sequence, kept in the snapshot store: a frontend's sweep for
 * orphaned jobs (at start and whenever a frontend dies) reads only the log after it, instead of
 * every job the log holds. Any frontend may write it; each checkpoint is right for its sequence,
 * so the last one written wins harmlessly. Trouble reading or writing it costs only time: the
 * sweep then reads the whole log, as it did before checkpoints.
 */
export class ActiveJobsCheckpoint {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly logger: Logger,
    /** Log sequences a sweep must have read past the checkpoint before it writes a new one. */
    readonly everySeqs: number,
  ) {}

  async load(): Promise<{ seq: number; jobs: Map<string, JobHistory> }> {
    try {
      const snapshot = await this.snapshots.load(PROJECTION);
      const jobs = snapshot && decodeActiveJobs(snapshot.data);
      if (snapshot && jobs) return { seq: snapshot.seq, jobs };
    } catch (err) {
      this.logger.warn({ err }, 'active jobs checkpoint not read; reading the whole job log');
    }
    return { seq: 0, jobs: new Map() };
  }

  /** Writes in the background: the sweep does not wait for it. */
  save(seq: number, jobs: ReadonlyMap<string, JobHistory>): void {
    this.snapshots
      .save(PROJECTION, seq, encodeActiveJobs(jobs))
      .catch((err) => this.logger.warn({ err, seq }, 'active jobs checkpoint not written'));
  }
}
