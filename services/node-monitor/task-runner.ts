import type { ExecutionResult, OutputStream } from '@passerine/executors';
import type { LaunchSpec } from './protocol.ts';

export interface RunContext {
  /** Aborted on cancel, on timeout and when the node monitor stops. */
  signal: AbortSignal;
  onOutput: (line: string, stream: OutputStream) => void;
}

/** Runs one launched task to its end; a task's own failure is a result, never a throw. */
export type TaskRunner = (task: LaunchSpec, ctx: RunContext) => Promise<ExecutionResult>;

export function failed(error: string): ExecutionResult {
  return { status: 'failed', exitCode: null, signal: null, error };
}

/**
 * Runs a task under a deadline. One mechanism for every kind of task: the deadline aborts the same
 * signal a cancel does, and the result says `timeout` rather than `cancelled`.
 */
export async function runWithDeadline(
  runner: TaskRunner,
  task: LaunchSpec,
  timeoutMs: number | undefined,
  cancel: AbortSignal,
  onOutput: RunContext['onOutput'],
): Promise<ExecutionResult> {
  const deadline = new AbortController();
  const onCancel = () => deadline.abort();
  cancel.addEventListener('abort', onCancel, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          deadline.abort();
        }, timeoutMs);
  try {
    const result = await runner(task, { signal: deadline.signal, onOutput }).catch((err: unknown) =>
      failed(`runner crashed: ${(err as Error)?.message ?? String(err)}`),
    );
    if (timedOut && result.status !== 'finished') {
      return { ...result, status: 'timeout', error: `timed out after ${timeoutMs} ms` };
    }
    return result;
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}
