import { decode, encode } from '@passerine/core';
import { serveRpc, type ServiceContext } from '@passerine/natsconn';
import type {
  GetTaskRequest,
  LaunchSpec,
  OfferAnswer,
  ReportAck,
  ReportBatch,
  TaskEndedReport,
} from '@passerine/scheduling-protocol';

/** How a report reached the frontend. */
export type ReportPath = 'getTask' | 'batch' | 'taskEnded';

export interface FakeFrontendOptions {
  /**
   * Acknowledge reports carried on getTask calls and in batches (default true). A frontend that
   * does not stands for one of an older version, or one that lost them.
   */
  acknowledges?: boolean;
}

/**
 * Stands in for the frontend `fe` in node monitor tests: hands out one task per getTask (`task`
 * says what, or null for "no task") and records what the node did.
 */
export function fakeFrontend(
  ctx: ServiceContext,
  task: (jobId: string) => Partial<LaunchSpec> | null,
  options: FakeFrontendOptions = {},
) {
  const acknowledges = options.acknowledges ?? true;
  const asked: string[] = [];
  const reports: TaskEndedReport[] = [];
  const paths: ReportPath[] = [];
  const offerAnswers: OfferAnswer[] = [];
  let n = 0;
  const carried = (nodeId: string, ended: TaskEndedReport[] | undefined, path: ReportPath) => {
    if (!ended || !acknowledges) return;
    reports.push(...ended);
    for (const _ of ended) paths.push(path);
    const ack: ReportAck = { attemptIds: ended.map((r) => r.attemptId) };
    ctx.nc.publish(ctx.names.nodeMonitor(nodeId, 'reported'), encode(ack));
  };
  const subs = [
    ctx.nc.subscribe(ctx.names.frontend('fe', 'offers'), {
      callback: (_err, msg) => {
        offerAnswers.push(decode<OfferAnswer>(msg.data));
      },
    }),
    ctx.nc.subscribe(ctx.names.frontend('fe', 'reports'), {
      callback: (_err, msg) => {
        const batch = decode<ReportBatch>(msg.data);
        carried(batch.nodeId, batch.reports, 'batch');
      },
    }),
    serveRpc(ctx.nc, ctx.names.frontend('fe', 'getTask'), (req: GetTaskRequest) => {
      carried(req.nodeId, req.ended, 'getTask');
      asked.push(req.jobId);
      const spec = task(req.jobId);
      if (!spec) return null;
      return {
        jobId: req.jobId,
        taskId: `t${++n}`,
        attemptId: `a${n}`,
        user: 'u',
        resources: { cpus: 0, memMb: 0, diskMb: 0 },
        ...spec,
      };
    }),
    serveRpc(ctx.nc, ctx.names.frontend('fe', 'taskEnded'), (report: TaskEndedReport) => {
      reports.push(report);
      paths.push('taskEnded');
      return true;
    }),
  ];
  return {
    asked,
    reports,
    /** How each of `reports` came, in the same order. */
    paths,
    offerAnswers,
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
}
