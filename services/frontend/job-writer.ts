import {
  IllegalStateError,
  type Clock,
  type EnvelopeContext,
  type EventEnvelope,
  envelop,
  type IdSource,
  type Logger,
  type NewEvent,
} from '@passerine/core';
import { type EventLog, type GroupAppendResult, GroupCommitter } from '@passerine/eventlog';
import type { JobEvent } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';

/**
 * How long a job's commit that the log did not answer is sent again. A frontend cannot re-sync a
 * job's fence by itself (it cannot tell its own lost write from an adopter's), so without this one
 * unanswered append during a NATS failover would leave the job unwritable for good.
 */
const RESEND_UNANSWERED_MS = 30_000;

/**
 * Writes the events of the jobs a frontend owns. Each job has its own fenced group committer: the
 * first event goes out at once and whatever arrives meanwhile (the launches of the other tasks, a
 * burst of reports) follows as one commit, in order. The fence is the job subject's last sequence,
 * so a job id is used once (the first commit expects an empty subject) and a frontend whose job
 * was adopted can no longer write to it.
 */
export class JobWriter {
  private readonly committers = new Map<string, GroupCommitter>();

  constructor(
    private readonly log: EventLog,
    private readonly names: Names,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly logger: Logger,
  ) {}

  /** Starts writing a job whose subject's last sequence is `lastSeq` (0 for a new job). */
  begin(jobId: string, lastSeq: number): void {
    this.committers.set(
      jobId,
      new GroupCommitter(this.log, this.names.jobEvents(jobId), {
        fenced: true,
        lastSeq,
        resendUnansweredMs: RESEND_UNANSWERED_MS,
      }),
    );
  }

  /** Appends and returns the promise; callers that only record a fact need not wait for it. */
  append(jobId: string, events: readonly JobEvent[]): Promise<GroupAppendResult> {
    const committer = this.committers.get(jobId);
    if (!committer)
      return Promise.reject(new IllegalStateError(`job ${jobId} is not written by this frontend`));
    const ctx = { time: this.clock.now(), nextId: () => this.ids.next() };
    return committer.append(toEnvelopes(events, ctx));
  }

  /** Records a fact without waiting; a failure is logged, since nobody waits for it. */
  record(jobId: string, events: readonly JobEvent[]): void {
    if (events.length === 0) return;
    this.append(jobId, events).catch((err) =>
      this.logger.error({ err, jobId, types: events.map((e) => e.type) }, 'job events not recorded'),
    );
  }

  /** The job has ended: its committer is dropped once the last append has been handed to it. */
  forget(jobId: string): void {
    this.committers.delete(jobId);
  }
}

export function toEnvelopes(events: readonly JobEvent[], ctx: EnvelopeContext): EventEnvelope[] {
  return events.map((event) => envelop(event as NewEvent, ctx));
}
