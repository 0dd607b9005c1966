import {
  type AdmissionEvent,
  type ClusterCapacity,
  decideDispatch,
  type OutcomeEvent,
  type RunRequest,
} from '@passerine/batch';
import {
  type Clock,
  ConcurrencyError,
  envelop,
  type IdSource,
  type Logger,
  TooLargeError,
} from '@passerine/core';
import type { EventLog } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';
import type { BatchView } from './batch-view.ts';

/** Runs decided in one commit: well inside a message, and short enough to keep others' turns short. */
const REQUESTS_PER_COMMIT = 200;
/** Appends refused because another dispatcher wrote first, before giving up on this round. */
const MAX_CONFLICTS = 20;

export interface AdmitterDeps {
  log: EventLog;
  names: Names;
  view: BatchView;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  capacity: () => ClusterCapacity;
  backlogMultiple: number;
}

/**
 * Decides runs and records the decision: appended to the job's admission subject fenced on the
 * sequence the decision was made at. Of dispatchers deciding the same tick at once, one append
 * lands; the others read it, decide again, and find nothing left to do. That, not JetStream's
 * de-duplication window, is what makes a tick or partition run once however late it is asked again.
 */
export class Admitter {
  /** One admission at a time per job in this replica: they would only fence each other out. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: AdmitterDeps) {}

  /** The events this replica recorded (others' decisions of the same runs are not among them). */
  async admit(requests: RunRequest[]): Promise<AdmissionEvent[]> {
    const byJob = new Map<string, RunRequest[]>();
    for (const r of requests) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);
    const landed: AdmissionEvent[] = [];
    for (const [job, list] of byJob) {
      for (let i = 0; i < list.length; i += REQUESTS_PER_COMMIT) {
        landed.push(
          ...(await this.serially(job, () => this.admitChunk(job, list.slice(i, i + REQUESTS_PER_COMMIT)))),
        );
      }
    }
    return landed;
  }

  /** Records outcome events of one job's runs (not fenced: evolve ignores one recorded twice). */
  async record(job: string, events: OutcomeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const subject = this.deps.names.batchOutcomes(job);
    const envelopes = this.envelopes(events);
    const { seq } = await this.deps.log.append(subject, envelopes);
    this.deps.view.applyOwn(subject, seq, envelopes);
  }

  /** Admits a chunk, halving it while its commit would not fit in one message (large definitions). */
  private async admitFitting(job: string, requests: RunRequest[]): Promise<AdmissionEvent[]> {
    try {
      return await this.serially(job, () => this.admitChunk(job, requests));
    } catch (err) {
      if (!(err instanceof TooLargeError) || requests.length < 2) throw err;
      const half = Math.ceil(requests.length / 2);
      return [
        ...(await this.admitFitting(job, requests.slice(0, half))),
        ...(await this.admitFitting(job, requests.slice(half))),
      ];
    }
  }

  private serially<T>(job: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(job) ?? Promise.resolve();
    const next = before.then(work, work);
    this.queues.set(
      job,
      next.catch(() => undefined),
    );
    return next;
  }

  private async admitChunk(job: string, requests: RunRequest[]): Promise<AdmissionEvent[]> {
    const { log, names, view } = this.deps;
    const subject = names.batchAdmissions(job);
    for (let conflicts = 0; ; conflicts++) {
      const ctx = { capacity: this.deps.capacity(), backlogMultiple: this.deps.backlogMultiple };
      const events = decideDispatch({ type: 'DispatchRuns', requests }, view.runs, ctx);
      if (events.length === 0) return [];
      const envelopes = this.envelopes(events);
      const expected = view.subjectSeq(subject);
      try {
        const { seq } = await log.append(subject, envelopes, { expectedLastSubjectSeq: expected });
        view.applyOwn(subject, seq, envelopes);
        return events;
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || conflicts >= MAX_CONFLICTS) throw err;
        this.deps.logger.debug(
          { job, expected, actual: err.actual },
          'admission written meanwhile; deciding again',
        );
        await view.caughtUpTo(err.actual ?? expected + 1);
      }
    }
  }

  private envelopes(events: (AdmissionEvent | OutcomeEvent)[]) {
    const time = this.deps.clock.now();
    return events.map((e) => envelop<string, unknown>(e, { time, nextId: () => this.deps.ids.next() }));
  }
}
