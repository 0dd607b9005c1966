import { availableParallelism } from 'node:os';
import { ValidationError } from '@passerine/core';
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

function numberOf(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(`${name} must be a number > 0 (got ${text})`);
  return value;
}

/** Node monitor settings for `passerine up` / `serve node-monitor`, from PASSERINE_NODE_* variables. */
export function nodeMonitorOptionsFromEnv(env: NodeJS.ProcessEnv): NodeMonitorOptions {
  return {
    id: env.PASSERINE_NODE_ID || undefined,
    slots: numberOf(env.PASSERINE_NODE_SLOTS, 'PASSERINE_NODE_SLOTS') ?? availableParallelism(),
    labels: labelsOf(env.PASSERINE_NODE_LABELS),
    policy: (env.PASSERINE_NODE_POLICY as QueuePolicyName | undefined) ?? 'fifo',
    heartbeatMs: numberOf(env.PASSERINE_HEARTBEAT_MS, 'PASSERINE_HEARTBEAT_MS'),
    taskTimeoutMs: numberOf(env.PASSERINE_TASK_TIMEOUT_MS, 'PASSERINE_TASK_TIMEOUT_MS'),
  };
}

export function createNodeMonitorService(
  ctx: ServiceContext,
  env: NodeJS.ProcessEnv = process.env,
): NodeMonitor {
  return new NodeMonitor(ctx, nodeMonitorOptionsFromEnv(env));
}
