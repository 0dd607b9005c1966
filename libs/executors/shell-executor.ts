import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  cancelledBeforeStart,
  DEFAULT_KILL_GRACE_MS,
  type ExecuteOptions,
  type ExecutionResult,
  type Executor,
} from './executor.ts';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter } from './line-splitter.ts';
import type { OrphanWatchdog } from './orphan-watchdog.ts';
import { stopGroup } from './process-group.ts';

export interface ShellTask {
  /** The executable, or with `shell: true` a command line for /bin/sh -c. */
  command: string;
  args?: string[];
  shell?: boolean;
  /** Added to the inherited environment (or the whole environment with `inheritEnv: false`). */
  env?: Record<string, string>;
  inheritEnv?: boolean;
  cwd?: string;
  timeoutMs?: number;
}

export interface ShellExecutorOptions {
  killGraceMs?: number;
  maxLineLength?: number;
  /** Kills the task groups still running if this process dies (a node monitor's). */
  watchdog?: OrphanWatchdog;
}

/** sh's exit status for "command not found". */
const SHELL_NOT_FOUND = 127;

function describeSpawnError(task: ShellTask, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT' && task.cwd && !existsSync(task.cwd))
    return `cwd ${task.cwd} does not exist (ENOENT)`;
  if (err.code === 'ENOENT') return `command not found: ${task.command} (ENOENT)`;
  if (err.code === 'EACCES') return `command is not executable: ${task.command} (EACCES)`;
  return `cannot start ${task.command}: ${err.message}`;
}

/**
 * Runs a command in its own process group, so a timeout or an abort stops everything it started,
 * grandchildren included. When the command itself exits, whatever it left running in its group is
 * stopped too: a task's processes do not outlive the task.
 */
export class ShellExecutor implements Executor<ShellTask> {
  private readonly killGraceMs: number;
  private readonly maxLineLength: number;
  private readonly watchdog?: OrphanWatchdog;

  constructor(options: ShellExecutorOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.watchdog = options.watchdog;
  }

  execute(task: ShellTask, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const { onOutput, onData, signal } = options;
    if (signal?.aborted) return cancelledBeforeStart();
    const [file, args] = task.shell ? ['/bin/sh', ['-c', task.command]] : [task.command, task.args ?? []];
    const env = { ...(task.inheritEnv === false ? {} : process.env), ...task.env };

    return new Promise((resolve) => {
      const child = spawn(file, args, {
        cwd: task.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid !== undefined) this.watchdog?.watch(child.pid);
      let endedBy: 'timeout' | 'cancelled' | undefined;
      let stopping: Promise<void> | undefined;
      let spawnError: NodeJS.ErrnoException | undefined;
      const stop = () => {
        if (child.pid !== undefined) stopping ??= stopGroup(child.pid, this.killGraceMs);
      };
      const end = (reason: 'timeout' | 'cancelled') => {
        endedBy ??= reason;
        stop();
      };
      const onAbort = () => end('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = task.timeoutMs ? setTimeout(() => end('timeout'), task.timeoutMs) : undefined;

      const splitters = {
        stdout: new LineSplitter((line) => onOutput?.(line, 'stdout'), this.maxLineLength),
        stderr: new LineSplitter((line) => onOutput?.(line, 'stderr'), this.maxLineLength),
      };
      child.stdout.on('data', (chunk: Buffer) => {
        onData?.(chunk, 'stdout');
        splitters.stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        onData?.(chunk, 'stderr');
        splitters.stderr.push(chunk);
      });
      child.on('error', (err) => {
        spawnError = err;
      });
      child.on('exit', () => stop());
      child.on('close', async (exitCode, exitSignal) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        splitters.stdout.end();
        splitters.stderr.end();
        await stopping;
        if (child.pid !== undefined) this.watchdog?.release(child.pid);
        const base = { exitCode, signal: exitSignal };
        if (spawnError && child.pid === undefined) {
          resolve({
            status: 'failed',
            exitCode: null,
            signal: null,
            error: describeSpawnError(task, spawnError),
          });
        } else if (endedBy === 'timeout') {
          resolve({ status: 'timeout', ...base, error: `timed out after ${task.timeoutMs} ms` });
        } else if (endedBy === 'cancelled') {
          resolve({ status: 'cancelled', ...base, error: 'cancelled' });
        } else if (exitCode === 0) {
          resolve({ status: 'finished', ...base });
        } else if (exitSignal) {
          resolve({ status: 'failed', ...base, error: `killed by ${exitSignal}` });
        } else if (task.shell && exitCode === SHELL_NOT_FOUND) {
          resolve({ status: 'failed', ...base, error: `command not found (exit ${SHELL_NOT_FOUND})` });
        } else {
          resolve({ status: 'failed', ...base, error: `exited with code ${exitCode}` });
        }
      });
    });
  }
}
