import type { NatsConnection } from '@nats-io/transport-node';
import { encode, type Logger } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import {
  MAX_REPORTS_PER_MESSAGE,
  type MessageCounter,
  type ReportBatch,
  type TaskEndedReport,
} from '@passerine/scheduling-protocol';
import { type ReportOptions, sendReport } from './report-sender.ts';

export interface ReportOutboxDeps {
  nc: NatsConnection;
  names: Names;
  nodeId: string;
  counter: MessageCounter;
  logger: Logger;
  now: () => number;
  /** A report not acknowledged this long after it went out is sent again as a taskEnded request (ms). */
  ackTimeoutMs: number;
  /** How the taskEnded requests of overdue reports are retried. */
  resend: ReportOptions;
  stopped: () => boolean;
}

interface Unacknowledged {
  frontendId: string;
  report: TaskEndedReport;
  sentAt: number;
}

/**
 * The task reports a node monitor owes its frontends. A report rides on the next getTask to its
 * frontend when the slot it freed claims a reservation of that frontend at once, which in a busy
 * cluster is most of them: one message instead of a request and its reply. Whatever no getTask
 * took goes out at the end of the event-loop turn, one batch per frontend. Each waits for the
 * frontend's acknowledgement (sent once the task's end is durable) and falls back on the taskEnded
 * request after `ackTimeoutMs`: a frontend that lost it, died, or does not know batches yet.
 */
export class ReportOutbox {
  private readonly unsent = new Map<string, TaskEndedReport[]>();
  /** By attempt id, in the order they went out. */
  private readonly unacknowledged = new Map<string, Unacknowledged>();
  private flushing?: NodeJS.Immediate;
  private sweep?: NodeJS.Timeout;

  constructor(private readonly deps: ReportOutboxDeps) {}

  start(): void {
    this.sweep = setInterval(() => this.resendOverdue(), Math.max(25, this.deps.ackTimeoutMs / 4));
    this.sweep.unref();
  }

  /** Sends what waits for the turn's end now: a task that ended just before the stop is reported. */
  stop(): void {
    clearInterval(this.sweep);
    if (!this.flushing) return;
    clearImmediate(this.flushing);
    this.flush();
  }

  /** A task ended: its report waits for a getTask to its frontend until the turn ends. */
  add(frontendId: string, report: TaskEndedReport): void {
    const list = this.unsent.get(frontendId);
    if (list) list.push(report);
    else this.unsent.set(frontendId, [report]);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** The reports a getTask to this frontend carries; from now on they wait for acknowledgement. */
  takeFor(frontendId: string): TaskEndedReport[] | undefined {
    const list = this.unsent.get(frontendId);
    if (!list) return undefined;
    const taken = list.length <= MAX_REPORTS_PER_MESSAGE ? list : list.splice(0, MAX_REPORTS_PER_MESSAGE);
    if (taken === list) this.unsent.delete(frontendId);
    const sentAt = this.deps.now();
    for (const report of taken) this.unacknowledged.set(report.attemptId, { frontendId, report, sentAt });
    return taken;
  }

  /** The frontend made these ends durable. */
  acknowledged(attemptIds: readonly string[]): void {
    for (const attemptId of attemptIds) this.unacknowledged.delete(attemptId);
  }

  /** Reports waiting to be sent or acknowledged (tests check that none is left behind). */
  get pending(): number {
    let unsent = 0;
    for (const list of this.unsent.values()) unsent += list.length;
    return unsent + this.unacknowledged.size;
  }

  private flush(): void {
    this.flushing = undefined;
    for (const frontendId of [...this.unsent.keys()]) {
      for (let reports = this.takeFor(frontendId); reports; reports = this.takeFor(frontendId)) {
        const batch: ReportBatch = { nodeId: this.deps.nodeId, reports };
        this.deps.counter.add();
        try {
          this.deps.nc.publish(this.deps.names.frontend(frontendId, 'reports'), encode(batch));
        } catch (err) {
          // A closed connection: the overdue sweep retries them while the node runs.
          this.deps.logger.debug({ err, frontendId }, 'task reports not sent');
        }
      }
    }
  }

  private resendOverdue(): void {
    const sentBefore = this.deps.now() - this.deps.ackTimeoutMs;
    for (const [attemptId, { frontendId, report, sentAt }] of this.unacknowledged) {
      if (sentAt > sentBefore) return;
      this.unacknowledged.delete(attemptId);
      void sendReport(
        this.deps.nc,
        this.deps.names.frontend(frontendId, 'taskEnded'),
        report,
        this.deps.resend,
        this.deps.counter,
        this.deps.logger,
        this.deps.stopped,
      );
    }
  }
}
