import { jetstream } from '@nats-io/jetstream';
import type { Logger } from '@passerine/core';
import { FunctionPool, OrphanWatchdog } from '@passerine/executors';
import { KeyBudgets } from '@passerine/key-limits';
import type { ServiceContext } from '@passerine/natsconn';
import { type MessageCounter, TASK_LIMITS } from '@passerine/scheduling-protocol';
import { LogShipper } from '@passerine/task-logs';
import type { NodeMonitorOptions, ResolvedNodeOptions } from './options.ts';
import { createDefaultRunner, nodeArtifactCache } from './runners.ts';
import type { TaskRunner } from './task-runner.ts';

/** The parts a node monitor is built of, each configured from the node's options. */

/** What runs the node's tasks: the one given (tests), else every runner, with a warm function pool. */
export function nodeTaskRunner(
  ctx: ServiceContext,
  options: NodeMonitorOptions,
  resolved: ResolvedNodeOptions,
  nodeId: string,
  counter: MessageCounter,
): { runner: TaskRunner; functions?: FunctionPool; watchdog?: OrphanWatchdog } {
  if (options.runner) return { runner: options.runner };
  const functions = new FunctionPool({
    size: resolved.functionWorkers,
    maxResultBytes: TASK_LIMITS.maxResultBytes,
  });
  const watchdog = new OrphanWatchdog();
  const runner = createDefaultRunner({
    nc: ctx.nc,
    workerSubject: ctx.names.workerTasks(options.workerPool ?? nodeId),
    workerTimeoutMs: resolved.workerTimeoutMs,
    counter,
    maxOutputLines: resolved.maxOutputLines,
    functions,
    artifacts: nodeArtifactCache(ctx, options),
    watchdog,
  });
  return { runner, functions, watchdog };
}

export function nodeLogShipper(
  ctx: ServiceContext,
  resolved: ResolvedNodeOptions,
  nodeId: string,
  logger: Logger,
): LogShipper {
  return new LogShipper({
    js: jetstream(ctx.nc),
    names: ctx.names,
    nodeId,
    logger,
    now: () => ctx.clock.now(),
    maxLinesPerAttempt: resolved.maxOutputLines,
    bufferLines: resolved.logBufferLines,
    retryMs: resolved.logRetryMs,
  });
}

export function nodeKeyBudgets(
  ctx: ServiceContext,
  resolved: ResolvedNodeOptions,
  logger: Logger,
): KeyBudgets {
  return new KeyBudgets({
    nc: ctx.nc,
    bucket: ctx.names.keyLimitBucket,
    leaseMs: resolved.keyLeaseMs,
    now: () => ctx.clock.now(),
    logger,
  });
}
