import { decide } from '../job-decide.ts';
import type { Handling } from './handling.ts';
import type { TaskEnd } from './inputs.ts';
import { record } from './job-records.ts';
import { lendBefore } from './lending.ts';
import type { NodeLoad } from './node-loads.ts';
import { seekRoom } from './placing.ts';
import { fillIdleSlots } from './reserving.ts';

/**
 * A node monitor reported a task's end: recorded on its job (a report about an attempt that is no
 * longer current changes nothing), the resources it held sought by tasks waiting for room, and a
 * slot left with nothing queued behind it pulled by the oldest jobs waiting (batch sampling).
 */
export function endTask(h: Handling, report: TaskEnd, load: NodeLoad | undefined): void {
  const { state, context } = h;
  if (load) h.apply({ type: 'NodeHeard', nodeId: report.nodeId, load, at: context.now() });
  if (load && context.placement === 'batch' && load.queueLength === 0) {
    // Nothing queued there will take the slot this task left: it would idle until a probe lands.
    fillIdleSlots(h, report.nodeId, load.slots - load.running, lendBefore(context));
  }
  const owned = state.jobs.get(report.jobId);
  if (!owned) return;
  const events = decide(
    {
      type: 'ReportTaskEnded',
      taskId: report.taskId,
      attemptId: report.attemptId,
      exitCode: report.exitCode,
      signal: report.signal,
      ...(report.error !== undefined && { error: report.error }),
    },
    owned.state,
    context,
  );
  if (events.length === 0) return;
  const timing = {
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    ...(report.reservedAt !== undefined && { reservedAt: report.reservedAt }),
    ...(report.requestedAt !== undefined && { requestedAt: report.requestedAt }),
    reportedAt: context.now(),
  };
  h.apply({ type: 'TaskEndReported', job: owned, taskId: report.taskId, timing });
  seekRoom(h);
  record(h, owned, events);
}
