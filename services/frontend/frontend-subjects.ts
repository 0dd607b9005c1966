import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode, type Logger } from '@passerine/core';
import { errReply, okReply, type Reply, sendReply, serveRpc } from '@passerine/natsconn';
import {
  decodeOrDrop,
  type GetTaskRequest,
  type MessageCounter,
  type ReportBatch,
  runningJobsPage,
  type TaskEndedReport,
  validReports,
  validRunningJobsRequest,
} from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { ReportAcks } from './report-acks.ts';
import type { Scheduler } from './scheduler.ts';

export interface FrontendSubjectsDeps {
  nc: NatsConnection;
  names: Names;
  scheduler: Scheduler;
  acks: ReportAcks;
  counter: MessageCounter;
  logger: Logger;
  /** A task end of one of this frontend's jobs is durable (the spec pumps hear of it). */
  onReported: (jobId: string) => void;
}

/**
 * The subjects of one frontend that node monitors talk to (getTask, task reports, launch offer
 * answers) and other frontends forward cancels to: this frontend's own, and those of the dead
 * frontends whose jobs it adopted, since node monitors still hold their reservations.
 */
export class FrontendSubjects {
  private readonly subscriptions: Subscription[] = [];
  private readonly served = new Set<string>();

  constructor(private readonly deps: FrontendSubjectsDeps) {}

  stop(): void {
    for (const sub of this.subscriptions) sub.unsubscribe();
  }

  serveOwn(frontendId: string): void {
    const { nc, names, scheduler, counter } = this.deps;
    const rpc = { logger: this.deps.logger };
    this.served.add(frontendId);
    this.subscriptions.push(
      serveRpc(nc, names.frontend(frontendId, 'getTask'), (req: GetTaskRequest) => {
        counter.add();
        // The ends the node reports along are recorded first: the answer sees the slots they freed.
        if (req?.ended !== undefined) this.reportsArrived(req.nodeId, req.ended);
        return scheduler.getTask(req);
      }),
      serveRpc(
        nc,
        names.frontend(frontendId, 'taskEnded'),
        async (report: TaskEndedReport) => {
          await this.reported(report);
          counter.add();
          return true;
        },
        rpc,
      ),
      nc.subscribe(names.frontend(frontendId, 'reports'), {
        callback: (_err, msg) => {
          const batch = decodeOrDrop<ReportBatch>(msg.data, this.deps.logger, 'task report batch');
          if (batch !== undefined) this.reportsArrived(batch?.nodeId, batch?.reports);
        },
      }),
      serveRpc(nc, names.frontend(frontendId, 'cancel'), (req: { jobId: string; reason?: string }) =>
        scheduler.cancel(req.jobId, req.reason),
      ),
      serveRpc(nc, names.frontend(frontendId, 'running'), (req: unknown) =>
        runningJobsPage(scheduler.ownedJobs(), frontendId, validRunningJobsRequest(req)),
      ),
      nc.subscribe(names.frontend(frontendId, 'offers'), {
        callback: (_err, msg) => {
          try {
            scheduler.offersAnswered(decode(msg.data));
          } catch (err) {
            this.deps.logger.warn({ err }, 'launch offer answer not handled');
          }
        },
      }),
    );
  }

  /**
   * Serves a dead frontend's subjects for the jobs adopted from it, once `gate` (the sweep that
   * adopts them) is done. Requests about jobs this frontend does not own get no answer: another
   * adopter may own them and must be the one to reply. Task ends carried on a getTask or in a
   * batch are left alone here: unacknowledged, each comes again as a taskEnded request, which
   * names the one job it is about.
   */
  serveAdopted(frontendId: string, gate: Promise<void>): void {
    if (this.served.has(frontendId)) return;
    this.served.add(frontendId);
    const { nc, names, scheduler } = this.deps;
    const onlyOwned =
      (handle: (msg: Msg, jobId: string) => Promise<unknown>) => (_err: unknown, msg: Msg) => {
        void (async () => {
          await gate;
          let request: { jobId?: string };
          try {
            request = decode(msg.data);
          } catch {
            return;
          }
          if (typeof request?.jobId !== 'string' || !scheduler.owned(request.jobId)) return;
          let reply: Reply<unknown>;
          try {
            reply = okReply(await handle(msg, request.jobId));
          } catch (err) {
            reply = errReply(err);
          }
          sendReply(msg, reply, this.deps.logger);
        })();
      };
    this.subscriptions.push(
      nc.subscribe(names.frontend(frontendId, 'getTask'), {
        callback: onlyOwned((msg) => scheduler.getTask(decode(msg.data))),
      }),
      nc.subscribe(names.frontend(frontendId, 'taskEnded'), {
        callback: onlyOwned(async (msg) => {
          await scheduler.taskEnded(decode(msg.data));
          return true;
        }),
      }),
      // A launch the dead frontend offered and the node answered late is recorded, not run twice.
      nc.subscribe(names.frontend(frontendId, 'offers'), {
        callback: onlyOwned(async (msg) => scheduler.offersAnswered(decode(msg.data))),
      }),
      nc.subscribe(names.frontend(frontendId, 'cancel'), {
        callback: onlyOwned((msg, jobId) =>
          scheduler.cancel(jobId, decode<{ reason?: string }>(msg.data).reason),
        ),
      }),
    );
  }

  /** Records a task's end; resolves once it is durable. */
  private async reported(report: TaskEndedReport): Promise<void> {
    await this.deps.scheduler.taskEnded(report);
    this.deps.onReported(report.jobId);
  }

  /**
   * Task ends carried on a getTask or in a batch: each is acknowledged once durable. Malformed ones
   * are not acknowledged, so the node monitor sends them again as taskEnded requests, whose errors
   * it sees.
   */
  private reportsArrived(nodeId: unknown, value: unknown): void {
    const reports = validReports(value);
    if (!reports || typeof nodeId !== 'string') {
      this.deps.logger.warn({ nodeId }, 'malformed task reports dropped');
      return;
    }
    for (const report of reports) {
      this.reported(report).then(
        () => this.deps.acks.add(nodeId, report.attemptId),
        (err) => this.deps.logger.warn({ err, jobId: report.jobId }, 'task report not recorded'),
      );
    }
  }
}
