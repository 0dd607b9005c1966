import { CommandVariable } from '@passerine/config';
import { ValidationError } from '@passerine/core';
import type { JobInput } from '@passerine/scheduling';
import { parseDuration, parseTime } from './time-flags.ts';

export interface SubmitOptions {
  id?: string;
  tasks: number;
  user?: string;
  priority?: number;
  timeout?: number;
  limitKey?: string;
  limitRunning?: number;
  limitRate?: number;
  idempotencyKey?: string;
  /** As given on the command line: ISO 8601 or +DURATION. */
  notBefore?: string;
  /** As given: 90s, 5m, 2h... */
  ttl?: string;
}

/** A job of `tasks` copies of one command; each task gets its index in PASSERINE_TASK_INDEX. */
export function commandJob(
  command: string,
  args: string[],
  o: SubmitOptions,
  newId: () => string,
  now = Date.now(),
): JobInput {
  if (o.limitKey === undefined && (o.limitRunning !== undefined || o.limitRate !== undefined))
    throw new ValidationError('--limit-running and --limit-rate need --limit-key, the key they limit');
  const id = o.id ?? `job-${newId()}`;
  return {
    id,
    user: o.user,
    priority: o.priority,
    ...(o.idempotencyKey !== undefined && { idempotencyKey: o.idempotencyKey }),
    ...(o.notBefore !== undefined && { notBefore: parseTime(o.notBefore, now) }),
    ...(o.ttl !== undefined && { ttlMs: parseDuration(o.ttl) }),
    ...(o.limitKey !== undefined && {
      limit: {
        key: o.limitKey,
        ...(o.limitRunning !== undefined && { running: o.limitRunning }),
        ...(o.limitRate !== undefined && { perSecond: o.limitRate }),
      },
    }),
    tasks: Array.from({ length: o.tasks }, (_, i) => ({
      id: `t${i}`,
      command: { command, args, env: { [CommandVariable.taskIndex]: String(i) }, timeoutMs: o.timeout },
    })),
  };
}
