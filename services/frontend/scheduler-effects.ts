import type { NatsConnection } from '@nats-io/transport-node';
import { encode, type Logger } from '@passerine/core';
import { type JobResult, jobResult, type OwnedJob, type SchedulerEvent } from '@passerine/scheduling';
import type { PasserineMetrics } from '@passerine/metrics';
import type { MessageCounter } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { JobTraces } from './job-traces.ts';
import type { JobWriter } from './job-writer.ts';
import { type Reservations, STOP_ANSWER_TIMEOUT_MS } from './reservations.ts';

export interface SchedulerEffectsDeps {
  nc: NatsConnection;
  names: Names;
  writer: JobWriter;
  reservations: Reservations;
  traces: JobTraces;
  counter: MessageCounter;
  logger: Logger;
  metrics: PasserineMetrics;
  clock: { now(): number };
}

/**
 * What the scheduler's events mean outside this process: messages to node monitors, job events
 * appended to the job's log subject, and a job's end announced on its watch subject once durable.
 */
export class SchedulerEffects {
  constructor(private readonly deps: SchedulerEffectsDeps) {}

  /**
   * Acts on what one command decided, in order. Launches are recorded without waiting. The other
   * job events are appended; the promise settles once they are durable and what waits on them is
   * done (an ended job announced, a cancelled job's running tasks stopped), and rejects with the
   * first failure. Undefined when nothing was appended. With `unwaited` nobody waits: a failure is
   * logged with that message instead.
   */
  perform(events: readonly SchedulerEvent[], unwaited?: string): Promise<unknown> | undefined {
    const { writer, reservations } = this.deps;
    let waits: Promise<unknown>[] | undefined;
    // The job events appended last, and what follows from them once durable.
    let recorded: OwnedJob | undefined;
    let last: Promise<unknown> | undefined;
    for (const event of events) {
      switch (event.type) {
        case 'JobRecorded':
          if (last) waits = this.settle(waits, recorded!, last, unwaited);
          recorded = event.job;
          last = writer.append(event.job.job.id, event.events);
          break;
        case 'JobEnded':
          // From when this frontend took the job on: its submission, or its adoption.
          this.deps.metrics.jobResponseSeconds.observe(
            { outcome: event.job.state.status },
            Math.max(0, this.deps.clock.now() - event.job.since) / 1000,
          );
          last = this.ended(event.job, last!, event.reason);
          this.deps.traces.end(event.job.job.id);
          break;
        case 'RunningTasksStopped': {
          const { job, nodeIds } = event;
          last = last!.then(() => reservations.stopRunning(job.job.id, nodeIds, STOP_ANSWER_TIMEOUT_MS));
          break;
        }
        case 'TaskHandedOut':
          this.deps.metrics.schedulingDelaySeconds.observe(Math.max(0, event.at - event.job.since) / 1000);
          this.deps.traces.placed(event.job.job.id, event.taskId, event.nodeId, event.job.since, event.at);
          writer.record(event.job.job.id, event.launched);
          break;
        case 'JobDropped':
          writer.forget(event.job.job.id);
          break;
        case 'ReservationsSent':
          reservations.send(event.job, event.reservations);
          break;
        case 'ReservationsCancelled':
          reservations.cancel(event.job.job.id, event.nodeIds, event.kill);
          break;
        case 'AttemptStopped':
          reservations.stopAttempt(event.jobId, event.nodeId, event.attemptId);
          break;
        case 'TaskNotLaunched': {
          const { job, taskId, error } = event;
          this.deps.logger.error({ err: error, jobId: job.job.id, taskId }, 'launch refused');
          this.deps.metrics.refusals.inc({ service: 'frontend', reason: 'launch_refused' });
          break;
        }
      }
    }
    if (last) waits = this.settle(waits, recorded!, last, unwaited);
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits);
  }

  /** What waits on the job events appended for one job: the caller, or a log line if nobody does. */
  private settle(
    waits: Promise<unknown>[] | undefined,
    owned: OwnedJob,
    done: Promise<unknown>,
    unwaited: string | undefined,
  ): Promise<unknown>[] | undefined {
    if (unwaited) {
      const jobId = owned.job.id;
      done.catch((err) => this.deps.logger.error({ err, jobId }, unwaited));
      return waits;
    }
    if (!waits) return [done];
    waits.push(done);
    return waits;
  }

  /** A job ended: its committer is dropped once its last append is handed over, its end announced once durable. */
  private async ended(owned: OwnedJob, appended: Promise<unknown>, reason?: string): Promise<void> {
    try {
      await appended;
    } finally {
      this.deps.writer.forget(owned.job.id);
    }
    this.announce(jobResult(owned.job.id, owned.state, owned.timings, reason));
  }

  private announce(result: JobResult): void {
    this.deps.counter.add();
    this.deps.nc.publish(this.deps.names.jobWatch(result.jobId), encode(result));
  }
}
