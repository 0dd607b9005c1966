import { availableParallelism } from 'node:os';
import { positiveNumberFromEnv, ValidationError } from '@passerine/core';
import type { ServiceContext } from '@passerine/natsconn';
import type { QueuePolicyName } from '@passerine/scheduling';
import { NodeMonitor } from './node-monitor.ts';
import type { NodeMonitorOptions } from './options.ts';

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ValidationError(`PASSERINE_NODE_LABELS: ${JSON.stringify(pair)} is not key=value`);
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/** Node monitor settings for `passerine up` / `serve node-monitor`, from PASSERINE_NODE_* variables. */
export function nodeMonitorOptionsFromEnv(env: NodeJS.ProcessEnv): NodeMonitorOptions {
  return {
    id: env.PASSERINE_NODE_ID || undefined,
    slots: positiveNumberFromEnv(env, 'PASSERINE_NODE_SLOTS') ?? availableParallelism(),
    labels: labelsOf(env.PASSERINE_NODE_LABELS),
    policy: (env.PASSERINE_NODE_POLICY as QueuePolicyName | undefined) ?? 'fifo',
    heartbeatMs: positiveNumberFromEnv(env, 'PASSERINE_HEARTBEAT_MS'),
    taskTimeoutMs: positiveNumberFromEnv(env, 'PASSERINE_TASK_TIMEOUT_MS'),
  };
}

export function createNodeMonitorService(
  ctx: ServiceContext,
  env: NodeJS.ProcessEnv = process.env,
): NodeMonitor {
  return new NodeMonitor(ctx, nodeMonitorOptionsFromEnv(env));
}
