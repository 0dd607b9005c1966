import type { JobStatus, TaskStatus } from '@passerine/scheduling';
import { readOutputLine, tracebackOf } from './output.ts';
import { withOutput, withTraceback } from './unit-task.ts';

/** A task as the job's state or its final result tells it. */
export interface TaskView {
  status: TaskStatus;
  exitCode?: number | null;
  error?: string;
}

/** What was heard of one unit's run: its data as given, its output line, its last stderr lines. */
export interface UnitRun {
  started: { work_unit_data: Uint8Array };
  outputLine?: string;
  stderrTail: readonly string[];
}

export type Verdict =
  | { kind: 'finish'; data: Uint8Array | undefined }
  /** `final`: no retry whatever max_retries says (the unit cannot run). */
  | { kind: 'fail'; data: Uint8Array; traceback: string; final?: boolean };

/**
 * What the store should hear about a unit whose task is in this state: finished (with its output),
 * failed (with why), or nothing yet. A unit whose job was cancelled goes back to the queue while
 * the spec's max_retries allows, as a failed run does: the job was only its carrier — a frontend
 * that adopted it from one it believed dead cancels it, and the pump of a frontend that was only
 * cut off hears that cancel too — and stopping the work itself is the queue's business (pause the
 * spec, fail or delete the unit).
 */
export function verdictOf(
  run: UnitRun,
  task: TaskView | undefined,
  job: { status: JobStatus; reason?: string },
): Verdict | undefined {
  const data = run.started.work_unit_data;
  const fail = (traceback: string, final = false): Verdict => ({
    kind: 'fail',
    data: withTraceback(data, traceback),
    traceback,
    final,
  });
  if (task?.status === 'finished') {
    if (run.outputLine === undefined) return { kind: 'finish', data: undefined };
    const read = readOutputLine(run.outputLine);
    if ('error' in read) return fail(`the command exited 0 but its output was refused: ${read.error}`);
    return { kind: 'finish', data: withOutput(data, read.output) };
  }
  if (task?.status === 'failed') return fail(tracebackOf(task, run.stderrTail));
  if (job.status === 'cancelled' || task?.status === 'cancelled') {
    return fail(`its task was cancelled (${job.reason ?? 'job cancelled'})`);
  }
  return undefined;
}
