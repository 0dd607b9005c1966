import { cancelledBeforeStart, type ExecutionResult, type OutputStream } from '@passerine/executors';
import type { LaunchSpec } from '@passerine/scheduling-protocol';

export interface RunContext {
  /** Aborted on cancel, on timeout and when the node monitor stops. */
  signal: AbortSignal;
  onOutput: (line: string, stream: OutputStream) => void;
  /** The output as written, for runners that have it (processes); lines otherwise. */
  onData?: (chunk: Uint8Array, stream: OutputStream) => void;
}

/** Runs one launched task to its end; a task's own failure is a result, never a throw. */
export type TaskRunner = (task: LaunchSpec, ctx: RunContext) => Promise<ExecutionResult>;

export function failed(error: string): ExecutionResult {
  return { status: 'failed', exitCode: null, signal: null, error };
}

/**
 * Runs a task under a deadline. One mechanism for every kind of task: the deadline aborts the
 * controller a cancel aborts, and the result says `timeout` rather than `cancelled`. One controller
 * per task, not one chained to another: at a busy node's task rates, making abort signals and
 * listening on them showed in its CPU (bench/RESULTS.md).
 */
export async function runWithDeadline(
  runner: TaskRunner,
  task: LaunchSpec,
  timeoutMs: number | undefined,
  abort: AbortController,
  output: Pick<RunContext, 'onOutput' | 'onData'>,
): Promise<ExecutionResult> {
  // Aborted already (its job was stopped while the task was on its way): nothing is started.
  if (abort.signal.aborted) return cancelledBeforeStart();
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, timeoutMs);
  try {
    const result = await runner(task, { signal: abort.signal, ...output }).catch((err: unknown) =>
      failed(`runner crashed: ${(err as Error)?.message ?? String(err)}`),
    );
    if (timedOut && result.status !== 'finished') {
      return { ...result, status: 'timeout', error: `timed out after ${timeoutMs} ms` };
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}
