import type { BatchTask } from './batch-task.ts';
import { canonicalJson } from './canonical.ts';
import type { RetryPolicy } from './definition.ts';
import type { DatasetEvent, Resources, RunEvent, RunIdentity } from './run-events.ts';

export type RunStatus =
  | 'dispatched'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'dropped'
  | 'refused';

export interface RunState extends RunIdentity {
  status: RunStatus;
  /** The attempt under way (or the last one). */
  attempt: number;
  /** The last attempt handed to the scheduler; below `attempt` while one waits to be submitted. */
  submitted: number;
  maxAttempts: number;
  decidedAt: number;
  endedAt?: number;
  retryAt?: number;
  /** Why it was dropped or refused, or the last attempt's error. */
  reason?: string;
  task?: BatchTask;
  /** The artifact version its last attempt was handed (`name:version (digest)`). */
  artifactUsed?: string;
  retries?: RetryPolicy;
  resources?: Resources;
  labels?: Record<string, string>;
}

export const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set(['dispatched', 'running', 'retrying']);

export interface RunsState {
  runs: Map<string, RunState>;
  /** Every run id ever decided: a tick or partition is decided once, even after its run was forgotten. */
  decided: Set<string>;
  /** Active runs by job, and by job + parameters (a second such run is refused). */
  activeByJob: Map<string, Set<string>>;
  activeByParams: Map<string, string>;
  /** Newest tick decided per job: where a dispatcher's schedule resumes. */
  lastTick: Map<string, number>;
  /** Announced partitions per data set. */
  partitions: Map<string, Set<string>>;
  counts: Record<'dispatched' | 'dropped' | 'refused' | 'succeeded' | 'failed', number>;
  /** Ended runs, oldest first, so the oldest can be forgotten past a bound. */
  ended: string[];
}

export function initialRunsState(): RunsState {
  return {
    runs: new Map(),
    decided: new Set(),
    activeByJob: new Map(),
    activeByParams: new Map(),
    lastTick: new Map(),
    partitions: new Map(),
    counts: { dispatched: 0, dropped: 0, refused: 0, succeeded: 0, failed: 0 },
    ended: [],
  };
}

export function paramsKey(job: string, params: Record<string, string>): string {
  return `${job}\u0000${canonicalJson(params)}`;
}

export function activeRuns(state: RunsState): number {
  let n = 0;
  for (const set of state.activeByJob.values()) n += set.size;
  return n;
}

/** Ended runs kept in full for listings; older ones are forgotten but stay decided. */
export const KEPT_ENDED_RUNS = 100_000;

function end(state: RunsState, run: RunState, status: RunStatus, time: number): void {
  run.status = status;
  run.endedAt = time;
  run.retryAt = undefined;
  state.activeByJob.get(run.job)?.delete(run.runId);
  if (state.activeByParams.get(paramsKey(run.job, run.params)) === run.runId) {
    state.activeByParams.delete(paramsKey(run.job, run.params));
  }
  state.ended.push(run.runId);
  forgetOldest(state);
}

/** Forgets ended runs past the bound, a batch at a time (shifting one at a time is O(n) each). */
function forgetOldest(state: RunsState): void {
  if (state.ended.length <= KEPT_ENDED_RUNS + FORGET_BATCH) return;
  for (const runId of state.ended.splice(0, state.ended.length - KEPT_ENDED_RUNS)) state.runs.delete(runId);
}

const FORGET_BATCH = 10_000;

function decided(
  state: RunsState,
  identity: RunIdentity,
  status: RunStatus,
  time: number,
  reason?: string,
): RunState {
  const run: RunState = { ...identity, status, attempt: 1, submitted: 0, maxAttempts: 1, decidedAt: time };
  if (reason !== undefined) run.reason = reason;
  state.decided.add(identity.runId);
  state.runs.set(identity.runId, run);
  if (identity.tick !== undefined && identity.tick > (state.lastTick.get(identity.job) ?? 0)) {
    state.lastTick.set(identity.job, identity.tick);
  }
  return run;
}

/** Applies one run or data-set event in place; outcome events that come twice change nothing. */
export function evolveRuns(
  state: RunsState,
  event: (RunEvent | DatasetEvent) & { time?: number },
): RunsState {
  const time = event.time ?? 0;
  switch (event.type) {
    case 'RunDispatched': {
      const { version: _v, task, retries, resources, labels, ...identity } = event.data;
      if (state.decided.has(identity.runId)) return state;
      const run = decided(state, identity, 'dispatched', time);
      Object.assign(run, { task, retries, resources, labels, maxAttempts: retries.max + 1 });
      state.counts.dispatched++;
      const active = state.activeByJob.get(run.job) ?? new Set<string>();
      state.activeByJob.set(run.job, active.add(run.runId));
      state.activeByParams.set(paramsKey(run.job, run.params), run.runId);
      return state;
    }
    case 'RunDropped':
    case 'RunRefused': {
      const { reason, ...rest } = event.data;
      if (state.decided.has(rest.runId)) return state;
      const status = event.type === 'RunDropped' ? 'dropped' : 'refused';
      const {
        backlog: _b,
        bound: _n,
        ...identity
      } = rest as typeof rest & { backlog?: number; bound?: number };
      decided(state, identity, status, time, reason);
      state.counts[status]++;
      state.ended.push(identity.runId);
      forgetOldest(state);
      return state;
    }
    case 'RunAttemptSubmitted': {
      const run = state.runs.get(event.data.runId);
      if (!run || !ACTIVE_STATUSES.has(run.status) || event.data.attempt < run.attempt) return state;
      run.status = 'running';
      run.submitted = Math.max(run.submitted, event.data.attempt);
      const pin = event.data.artifact;
      if (pin) run.artifactUsed = `${run.task?.artifact?.name}:${pin.version} (${pin.digest})`;
      run.retryAt = undefined;
      return state;
    }
    case 'RunAttemptFailed': {
      const run = state.runs.get(event.data.runId);
      if (!run || !ACTIVE_STATUSES.has(run.status) || event.data.attempt !== run.attempt) return state;
      run.status = 'retrying';
      run.attempt = event.data.attempt + 1;
      run.retryAt = event.data.retryAt;
      run.reason = event.data.error;
      return state;
    }
    case 'RunSucceeded':
    case 'RunFailed': {
      const run = state.runs.get(event.data.runId);
      if (!run || !ACTIVE_STATUSES.has(run.status)) return state;
      if (event.type === 'RunFailed') run.reason = event.data.error;
      end(state, run, event.type === 'RunSucceeded' ? 'succeeded' : 'failed', time);
      state.counts[event.type === 'RunSucceeded' ? 'succeeded' : 'failed']++;
      return state;
    }
    case 'DatasetPartitionAnnounced': {
      const set = state.partitions.get(event.data.dataset) ?? new Set<string>();
      state.partitions.set(event.data.dataset, set.add(event.data.partition));
      return state;
    }
  }
}
