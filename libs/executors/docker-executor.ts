import { randomUUID } from 'node:crypto';
import type { ExecuteOptions, ExecutionResult, Executor } from './executor.ts';
import { ShellExecutor } from './shell-executor.ts';

export interface DockerTask {
  image: string;
  /** Command and arguments inside the container; absent means the image's own. */
  command?: string[];
  env?: Record<string, string>;
  /** Working directory inside the container. */
  cwd?: string;
  timeoutMs?: number;
}

export interface DockerExecutorOptions {
  /** The docker CLI (default `docker` on PATH). */
  docker?: string;
  /** How long `docker info` may take before the engine counts as unreachable. */
  engineCheckTimeoutMs?: number;
  killGraceMs?: number;
}

/**
 * Runs a task in a container through the docker CLI (`docker run --rm`). The engine is checked
 * first with a short timeout, so a machine with only the client installed fails fast with a clear
 * reason instead of hanging. Stopping the CLI does not stop the container, so a timeout or abort
 * also kills the container by name.
 */
export class DockerExecutor implements Executor<DockerTask> {
  private readonly docker: string;
  private readonly engineCheckTimeoutMs: number;
  private readonly shell: ShellExecutor;

  constructor(options: DockerExecutorOptions = {}) {
    this.docker = options.docker ?? 'docker';
    this.engineCheckTimeoutMs = options.engineCheckTimeoutMs ?? 5_000;
    this.shell = new ShellExecutor({ killGraceMs: options.killGraceMs });
  }

  /** Null when an engine answers, else why not. */
  async engineProblem(signal?: AbortSignal): Promise<string | null> {
    const output: string[] = [];
    const check = await this.shell.execute(
      {
        command: this.docker,
        args: ['info', '--format', '{{.ServerVersion}}'],
        timeoutMs: this.engineCheckTimeoutMs,
      },
      { signal, onOutput: (line) => output.push(line) },
    );
    if (check.status === 'finished') return null;
    const detail = output.find((line) => line.trim().length > 0) ?? check.error ?? check.status;
    return `no Docker engine is reachable (${detail.trim()})`;
  }

  async execute(task: DockerTask, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const problem = await this.engineProblem(options.signal);
    if (problem)
      return {
        status: options.signal?.aborted ? 'cancelled' : 'failed',
        exitCode: null,
        signal: null,
        error: problem,
        setup: true,
      };

    const name = `passerine-${randomUUID()}`;
    const args = ['run', '--rm', '--name', name];
    for (const [key, value] of Object.entries(task.env ?? {})) args.push('-e', `${key}=${value}`);
    if (task.cwd) args.push('-w', task.cwd);
    args.push(task.image, ...(task.command ?? []));
    const result = await this.shell.execute(
      { command: this.docker, args, timeoutMs: task.timeoutMs },
      options,
    );
    if (result.status === 'timeout' || result.status === 'cancelled') {
      await this.shell.execute({
        command: this.docker,
        args: ['kill', name],
        timeoutMs: this.engineCheckTimeoutMs,
      });
    }
    return result;
  }
}
