import type { AdmissionEvent, RunIdentity } from './run-events.ts';
import type { RunRequest } from './run-request.ts';
import { activeRuns, paramsKey, type RunsState } from './runs-state.ts';

/** The cluster's room as node monitors advertise it. */
export interface ClusterCapacity {
  /** Slots of the live node monitors. */
  liveSlots: number;
  /** Reservations queued at them (tasks waiting for a slot). */
  queued: number;
}

export interface AdmissionContext {
  capacity: ClusterCapacity;
  /** The backlog bound as a multiple of the live slots. */
  backlogMultiple: number;
}

export interface DispatchRuns {
  type: 'DispatchRuns';
  requests: RunRequest[];
}

function identity(r: RunRequest): RunIdentity {
  const id: RunIdentity = { runId: r.runId, job: r.job, kind: r.kind, params: r.params };
  if (r.tick !== undefined) id.tick = r.tick;
  if (r.partition !== undefined) id.partition = r.partition;
  return id;
}

/**
 * Decides the fate of each run asked for, in order: one already decided is left alone (a tick or
 * partition runs once); a second run of the same job and parameters while one is active is
 * refused, as is one past the job's concurrency limit; one that would take the cluster's backlog
 * past its bound is dropped rather than overcommit. The backlog is what waits for a slot: the
 * reservations node monitors report, or the active runs beyond the live slots when that is more
 * (adverts lag behind a burst of dispatches).
 */
export function decideDispatch(
  command: DispatchRuns,
  state: RunsState,
  ctx: AdmissionContext,
): AdmissionEvent[] {
  const events: AdmissionEvent[] = [];
  const seen = new Set<string>();
  const addedByJob = new Map<string, number>();
  const addedParams = new Set<string>();
  let outstanding = activeRuns(state);
  const bound = Math.floor(ctx.backlogMultiple * ctx.capacity.liveSlots);
  for (const request of command.requests) {
    if (state.decided.has(request.runId) || seen.has(request.runId)) continue;
    seen.add(request.runId);
    const id = identity(request);
    const key = paramsKey(request.job, request.params);
    const twin =
      state.activeByParams.get(key) ?? (addedParams.has(key) ? 'one dispatched with it' : undefined);
    if (twin) {
      events.push({
        type: 'RunRefused',
        data: { ...id, reason: `a run of ${request.job} with the same parameters is active (${twin})` },
      });
      continue;
    }
    const limit = request.definition.concurrency;
    const jobActive = (state.activeByJob.get(request.job)?.size ?? 0) + (addedByJob.get(request.job) ?? 0);
    if (limit !== undefined && jobActive >= limit) {
      events.push({
        type: 'RunRefused',
        data: {
          ...id,
          reason: `${request.job} has ${jobActive} active runs, its concurrency limit is ${limit}`,
        },
      });
      continue;
    }
    const backlog = Math.max(ctx.capacity.queued, outstanding - ctx.capacity.liveSlots);
    if (backlog + 1 > bound) {
      const reason =
        ctx.capacity.liveSlots === 0
          ? 'no live node monitor advertises a slot'
          : `backlog ${backlog} is at its bound ${bound} (${ctx.backlogMultiple} × ${ctx.capacity.liveSlots} live slots)`;
      events.push({ type: 'RunDropped', data: { ...id, reason, backlog, bound } });
      continue;
    }
    const def = request.definition;
    events.push({
      type: 'RunDispatched',
      data: {
        ...id,
        version: request.version,
        task: request.task,
        retries: def.retries,
        resources: def.resources,
        labels: def.labels,
      },
    });
    outstanding++;
    addedByJob.set(request.job, (addedByJob.get(request.job) ?? 0) + 1);
    addedParams.add(key);
  }
  return events;
}
