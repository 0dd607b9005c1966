import type { NatsConnection } from '@nats-io/transport-node';
import { Backoff, type Logger } from '@passerine/core';
import { requestRpc } from '@passerine/natsconn';
import type { MessageCounter, TaskEndedReport } from '@passerine/scheduling-protocol';

export interface ReportOptions {
  /** Give up on a report nobody acknowledges after this long (ms). */
  deadlineMs: number;
  /** One try waits this long for the frontend's answer (ms). */
  attemptTimeoutMs: number;
}

/**
 * Reports a task's end to its frontend and waits for the acknowledgement. While a frontend is dead
 * and not yet adopted nobody answers its subject, so the report is retried with back-off until
 * the adopting frontend serves it or the deadline passes.
 */
export async function sendReport(
  nc: NatsConnection,
  subject: string,
  report: TaskEndedReport,
  options: ReportOptions,
  counter: MessageCounter,
  logger: Logger,
  stopped: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + options.deadlineMs;
  const backoff = new Backoff(50, 1_000);
  for (;;) {
    counter.add();
    let wait: number;
    try {
      await requestRpc(nc, subject, report, options.attemptTimeoutMs);
      return true;
    } catch (err) {
      wait = backoff.next();
      if (stopped() || Date.now() + wait > deadline) {
        logger.warn(
          { err, subject, taskId: report.taskId, jobId: report.jobId },
          'task report not delivered',
        );
        return false;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
