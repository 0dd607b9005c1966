import type { RunState, RunStatus } from '@passerine/batch';

/** A run by hand: `passerine jobs run NAME --param k=v`. */
export interface DispatchRequest {
  job: string;
  params?: Record<string, string>;
}

/** What became of a run asked for: dispatched, or dropped / refused and why. */
export interface DispatchReply {
  runId: string;
  status: RunStatus;
  reason?: string;
}

/** One run per tick of the job's schedule in (from, to]; ticks decided before are left as they are. */
export interface BackfillRequest {
  job: string;
  /** ms since the epoch. */
  from: number;
  to: number;
}

export interface BackfillReply {
  ticks: number;
  dispatched: number;
  dropped: number;
  refused: number;
  /** Ticks that had been decided already (run, dropped or refused before). */
  decidedBefore: number;
}

export interface StatusRequest {
  runId: string;
}

export interface ListRequest {
  job?: string;
  status?: RunStatus;
  /** Most runs answered, newest first. */
  limit?: number;
}

export interface ListReply {
  runs: RunView[];
  counts: Record<'dispatched' | 'dropped' | 'refused' | 'succeeded' | 'failed' | 'active', number>;
}

/** A run as listed: its state without the task it runs. */
export type RunView = Omit<RunState, 'task' | 'retries' | 'resources' | 'labels'>;

export function runView(run: RunState): RunView {
  const { task: _t, retries: _r, resources: _s, labels: _l, ...view } = run;
  return view;
}
