import { activeTrace, recordSpan } from '@passerine/metrics';
import type { TaskEndedReport } from '@passerine/scheduling-protocol';

type Trace = NonNullable<ReturnType<typeof activeTrace>>;

/** Jobs traced at once; past it the oldest job's later spans are not recorded. */
const MAX_TRACED_JOBS = 100_000;

/**
 * A traced job's steps after its submit, as spans of the submit's trace: each task's placement
 * (from the job's arrival to its launch at a node), its run and its report (from its end at the
 * node to that end being durable here). The run is recorded here from the times its node reports,
 * so no trace context has to travel on reservations and launches: the nodes stay as they are.
 */
export class JobTraces {
  private readonly byJob = new Map<string, Trace>();

  /** Called inside the submit's span: the job's later steps join its trace. */
  begin(jobId: string): void {
    const trace = activeTrace();
    if (!trace) return;
    this.byJob.set(jobId, trace);
    if (this.byJob.size > MAX_TRACED_JOBS) this.byJob.delete(this.byJob.keys().next().value as string);
  }

  of(jobId: string): Trace | undefined {
    return this.byJob.get(jobId);
  }

  placed(jobId: string, taskId: string, nodeId: string, sinceMs: number, atMs: number): void {
    const trace = this.byJob.get(jobId);
    if (trace)
      recordSpan(
        'task placement',
        { 'passerine.task': taskId, 'passerine.node': nodeId },
        trace,
        sinceMs,
        atMs,
      );
  }

  /** The task's run at its node and its report, once its end is durable (`durableAt`). */
  reported(trace: Trace, report: TaskEndedReport, durableAt: number): void {
    const attributes = { 'passerine.task': report.taskId, 'passerine.node': report.nodeId };
    const failed = report.status === 'finished' ? undefined : (report.error ?? report.status);
    recordSpan(
      'task run',
      { ...attributes, 'passerine.status': report.status },
      trace,
      report.startedAt,
      report.endedAt,
      failed,
    );
    recordSpan('task report', attributes, trace, report.endedAt, durableAt);
  }

  end(jobId: string): void {
    this.byJob.delete(jobId);
  }
}
