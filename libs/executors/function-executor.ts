import { isAbsolute, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  cancelledBeforeStart,
  type ExecuteOptions,
  type ExecutionResult,
  type Executor,
} from './executor.ts';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './line-splitter.ts';

export interface FunctionTask {
  /** Path (absolute, or relative to the process' cwd) or file: URL of a .js or .ts module. */
  modulePath: string;
  exportName: string;
  /** Spread into the call; must survive structured cloning. */
  args?: unknown[];
  timeoutMs?: number;
}

export interface FunctionExecutorOptions {
  maxLineLength?: number;
}

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; message: string; stack?: string } };

const WORKER_URL = new URL('./function-worker-entry.mjs', import.meta.url);

/**
 * Calls an exported function in a worker thread, so a timeout or an abort can stop it by
 * terminating the worker, even in the middle of a busy loop. Workers load through tsx (see
 * function-worker-entry.mjs), so task modules may be TypeScript. Console output of the function arrives as output lines.
 */
export class FunctionExecutor implements Executor<FunctionTask> {
  private readonly maxLineLength: number;

  constructor(options: FunctionExecutorOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  execute(task: FunctionTask, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const { onOutput, signal } = options;
    if (signal?.aborted) return cancelledBeforeStart();
    const modulePath =
      task.modulePath.startsWith('file:') || isAbsolute(task.modulePath)
        ? task.modulePath
        : resolve(task.modulePath);

    return new Promise((resolvePromise) => {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_URL, {
          workerData: { modulePath, exportName: task.exportName, args: task.args ?? [] },
          stdout: true,
          stderr: true,
        });
      } catch (err) {
        resolvePromise({
          status: 'failed',
          exitCode: null,
          signal: null,
          error: `cannot start worker: ${(err as Error).message}`,
        });
        return;
      }
      const stdout = new LineSplitter((line) => onOutput?.(line, 'stdout'), this.maxLineLength);
      const stderr = new LineSplitter((line) => onOutput?.(line, 'stderr'), this.maxLineLength);
      worker.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      worker.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

      let settled: ExecutionResult | undefined;
      const settle = (result: ExecutionResult) => {
        settled ??= result;
      };
      const stop = (result: ExecutionResult) => {
        settle(result);
        void worker.terminate();
      };
      const onAbort = () => stop({ status: 'cancelled', exitCode: null, signal: null, error: 'cancelled' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = task.timeoutMs
        ? setTimeout(
            () =>
              stop({
                status: 'timeout',
                exitCode: null,
                signal: null,
                error: `timed out after ${task.timeoutMs} ms`,
              }),
            task.timeoutMs,
          )
        : undefined;

      worker.on('message', (outcome: Outcome) => {
        if (outcome.ok) settle({ status: 'finished', exitCode: 0, signal: null, value: outcome.value });
        else
          settle({
            status: 'failed',
            exitCode: 1,
            signal: null,
            error: `${outcome.error.name}: ${outcome.error.message}`,
          });
      });
      worker.on('error', (err) =>
        settle({ status: 'failed', exitCode: 1, signal: null, error: `worker crashed: ${err.message}` }),
      );
      // Exit comes last, after the message; output streams have been flushed to us by then.
      worker.on('exit', (code) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        stdout.end();
        stderr.end();
        resolvePromise(
          settled ?? {
            status: 'failed',
            exitCode: code,
            signal: null,
            error: `worker exited with code ${code} without a result`,
          },
        );
      });
    });
  }
}
