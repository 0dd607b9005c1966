import { type AdmissionEvent, MAX_TICKS, requestRun, type RunRequest, ticksBetween } from '@passerine/batch';
import type {
  BackfillReply,
  BackfillRequest,
  DispatchReply,
  DispatchRequest,
  ListReply,
  ListRequest,
  RunView,
} from '@passerine/batch-protocol';
import { runView } from '@passerine/batch-protocol';
import { type IdSource, NotFoundError, ValidationError } from '@passerine/core';
import type { BatchView } from './batch-view.ts';

/** Most runs one listing answers. */
const MAX_LISTED = 1_000;

/** The dispatchers' request handlers: checks and look-ups around the admitter. */
export class BatchRequests {
  constructor(
    private readonly view: BatchView,
    private readonly ids: IdSource,
    private readonly admit: (requests: RunRequest[]) => Promise<AdmissionEvent[]>,
  ) {}

  private job(name: unknown) {
    if (typeof name !== 'string')
      throw new ValidationError('job must be a job definition name', { field: 'job' });
    const job = this.view.registry.jobs.get(name);
    if (!job) throw new NotFoundError(`no job definition ${name} is registered (passerine jobs apply DIR)`);
    return job;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchReply> {
    const job = this.job(request?.job);
    const given = request.params ?? {};
    for (const [k, v] of Object.entries(given)) {
      if (typeof v !== 'string') throw new ValidationError(`--param ${k}: must be text`, { field: k });
    }
    const run = requestRun(job, { kind: 'manual', given, manualId: this.ids.next() });
    await this.admit([run]);
    const state = this.view.runs.runs.get(run.runId);
    return {
      runId: run.runId,
      status: state?.status ?? 'dispatched',
      ...(state?.reason && { reason: state.reason }),
    };
  }

  async backfill(request: BackfillRequest): Promise<BackfillReply> {
    const job = this.job(request?.job);
    const schedule = job.definition.schedule;
    if (!schedule)
      throw new ValidationError(`job ${job.definition.name} has no schedule to backfill`, { field: 'job' });
    const { from, to } = request;
    if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
      throw new ValidationError('--from and --to must be times, --from first', { field: 'from' });
    }
    const ticks = ticksBetween(schedule, from - 1, to, MAX_TICKS + 1);
    if (ticks.length > MAX_TICKS)
      throw new ValidationError(`the range holds more than ${MAX_TICKS} ticks`, { field: 'to' });
    const fresh = ticks.filter(
      (tick) => !this.view.runs.decided.has(requestRun(job, { kind: 'backfill', tick }).runId),
    );
    const events = await this.admit(fresh.map((tick) => requestRun(job, { kind: 'backfill', tick })));
    const count = (type: AdmissionEvent['type']) => events.filter((e) => e.type === type).length;
    return {
      ticks: ticks.length,
      dispatched: count('RunDispatched'),
      dropped: count('RunDropped'),
      refused: count('RunRefused'),
      decidedBefore: ticks.length - fresh.length,
    };
  }

  status(request: { runId?: unknown }): RunView {
    const runId = request?.runId;
    if (typeof runId !== 'string') throw new ValidationError('runId must be a run id', { field: 'runId' });
    const run = this.view.runs.runs.get(runId);
    if (!run) throw new NotFoundError(`no run ${runId} is known`);
    return runView(run);
  }

  list(request: ListRequest = {}): ListReply {
    const limit = Math.min(Math.max(1, request.limit ?? 100), MAX_LISTED);
    const runs: RunView[] = [];
    const all = [...this.view.runs.runs.values()];
    for (let i = all.length - 1; i >= 0 && runs.length < limit; i--) {
      const run = all[i];
      if (request.job && run.job !== request.job) continue;
      if (request.status && run.status !== request.status) continue;
      runs.push(runView(run));
    }
    let active = 0;
    for (const set of this.view.runs.activeByJob.values()) active += set.size;
    return { runs, counts: { ...this.view.runs.counts, active } };
  }
}
