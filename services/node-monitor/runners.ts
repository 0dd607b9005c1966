import type { NatsConnection } from '@nats-io/transport-node';
import { join } from 'node:path';
import { ArtifactCache, ArtifactStore } from '@passerine/artifacts';
import { dataDir } from '@passerine/config';
import type { ServiceContext } from '@passerine/natsconn';
import { requestMessage } from '@passerine/natsconn';
import { decode, encode, UnavailableError } from '@passerine/core';
import {
  DockerExecutor,
  type ExecutionResult,
  FunctionExecutor,
  type FunctionPool,
  type OrphanWatchdog,
  ShellExecutor,
} from '@passerine/executors';
import { decodePayload, type LaunchSpec, type MessageCounter } from '@passerine/scheduling-protocol';
import { runBatchTask } from './batch-runner.ts';
import { failed, type RunContext, type TaskRunner } from './task-runner.ts';

/** What an external worker answers on the task subject. */
export interface WorkerResult {
  exitCode: number;
  error?: string;
  /** Output lines, at most the node monitor's per-task line limit are kept. */
  output?: string[];
}

/** A cheap in-process task that only waits: benchmarks and tests use it to stand for work. */
function sleep(ms: number, exitCode: number, ctx: RunContext): Promise<ExecutionResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(
        exitCode === 0
          ? { status: 'finished', exitCode: 0, signal: null }
          : { status: 'failed', exitCode, signal: null, error: `exited with code ${exitCode}` },
      );
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve({ status: 'cancelled', exitCode: null, signal: null, error: 'cancelled' });
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RunnerDeps {
  nc: NatsConnection;
  /** The subject external workers of this node listen on. */
  workerSubject: string;
  /** Longest wait for an external worker's answer (ms). */
  workerTimeoutMs: number;
  counter: MessageCounter;
  maxOutputLines: number;
  /** The warm worker threads `call` payloads run in. */
  functions: FunctionPool;
  /** Where batch runs get their artifacts. */
  artifacts: ArtifactCache;
  /** Kills the commands' process groups if the node's process dies. */
  watchdog: OrphanWatchdog;
}

/** The default runner: commands through the shell executor, payloads by kind or to an external worker. */
/** The node's cache of artifact bundles, filled from the object store on first use. */
export function nodeArtifactCache(
  ctx: ServiceContext,
  options: { artifactCacheDir?: string; artifactCacheMb?: number },
): ArtifactCache {
  return new ArtifactCache(
    options.artifactCacheDir ?? join(dataDir(), 'artifacts'),
    (options.artifactCacheMb ?? 1_024) * 1024 ** 2,
    () => ArtifactStore.open(ctx.nc, ctx.names),
  );
}

export function createDefaultRunner(deps: RunnerDeps): TaskRunner {
  const shell = new ShellExecutor({ watchdog: deps.watchdog });
  const oneShotFunctions = new FunctionExecutor();
  const docker = new DockerExecutor();
  const external = externalWorkerRunner(deps);
  return (task, ctx) => {
    const opts = { signal: ctx.signal, onOutput: ctx.onOutput, onData: ctx.onData };
    if (task.command) {
      const { command, args, env, cwd } = task.command;
      return shell.execute({ command, args, env, cwd }, opts);
    }
    if (!task.payload) return Promise.resolve(failed('task has neither payload nor command'));
    const kind = decodePayload(task.payload);
    // Functions write lines; what is captured for the submitter is those lines as they were written.
    const asLines = { signal: ctx.signal, onOutput: linesAsData(ctx) };
    switch (kind?.kind) {
      case 'sleep':
        return sleep(kind.ms, kind.exitCode ?? 0, ctx);
      case 'function':
        return oneShotFunctions.execute(
          { modulePath: kind.modulePath, exportName: kind.exportName, args: kind.args },
          asLines,
        );
      case 'call':
        return deps.functions.run({ fn: kind.fn, args: kind.args, timeoutMs: kind.timeoutMs }, asLines);
      case 'docker': {
        const { image, command, env, cwd, timeoutMs } = kind;
        return docker.execute({ image, command, env, cwd, timeoutMs }, opts);
      }
      case 'batch':
        return runBatchTask(kind.task, ctx, {
          shell,
          docker,
          functions: oneShotFunctions,
          artifacts: deps.artifacts,
        });
      default:
        return external(task, ctx);
    }
  };
}

function linesAsData(ctx: RunContext): RunContext['onOutput'] {
  return (line, stream) => {
    ctx.onOutput(line, stream);
    ctx.onData?.(Buffer.from(`${line}\n`), stream);
  };
}

/** Hands the task to a worker process (any language) subscribed to the node's task subject. */
export function externalWorkerRunner(deps: RunnerDeps): TaskRunner {
  return async (task, ctx) => {
    if (ctx.signal.aborted) return { status: 'cancelled', exitCode: null, signal: null, error: 'cancelled' };
    deps.counter.add();
    const request = requestMessage(deps.nc, deps.workerSubject, encode(task), deps.workerTimeoutMs);
    let onAbort = () => {};
    const aborted = new Promise<ExecutionResult>((resolve) => {
      onAbort = () => resolve({ status: 'cancelled', exitCode: null, signal: null, error: 'cancelled' });
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    const answered = request.then(
      (msg) => {
        const result = decode<WorkerResult>(msg.data);
        for (const line of (result.output ?? []).slice(0, deps.maxOutputLines)) ctx.onOutput(line, 'stdout');
        const exitCode = typeof result.exitCode === 'number' ? result.exitCode : 1;
        return exitCode === 0 && !result.error
          ? ({ status: 'finished', exitCode: 0, signal: null } as ExecutionResult)
          : ({
              status: 'failed',
              exitCode,
              signal: null,
              error: result.error ?? `exited with code ${exitCode}`,
            } as ExecutionResult);
      },
      (err: Error) =>
        err instanceof UnavailableError
          ? failed(`no external worker serves ${deps.workerSubject}`)
          : failed(`external worker did not answer: ${err.message}`),
    );
    try {
      return await Promise.race([answered, aborted]);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** For workers written in TypeScript: answers the tasks arriving on a task subject. */
export function serveExternalWorker(
  nc: NatsConnection,
  subject: string,
  work: (task: LaunchSpec) => Promise<WorkerResult> | WorkerResult,
): { stop(): void } {
  const sub = nc.subscribe(subject, {
    callback: (_err, msg) => {
      void (async () => {
        let result: WorkerResult;
        try {
          result = await work(decode<LaunchSpec>(msg.data));
        } catch (err) {
          result = { exitCode: 1, error: (err as Error)?.message ?? String(err) };
        }
        msg.respond(encode(result));
      })();
    },
  });
  return { stop: () => sub.unsubscribe() };
}
