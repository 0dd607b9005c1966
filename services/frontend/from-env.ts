import { ValidationError } from '@passerine/core';
import type { ServiceContext } from '@passerine/natsconn';
import { Frontend } from './frontend.ts';
import type { FrontendOptions } from './options.ts';

function numberOf(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(`${name} must be a number > 0 (got ${text})`);
  return value;
}

/** Frontend settings for `passerine up` / `serve frontend`, from PASSERINE_* variables. */
export function frontendOptionsFromEnv(env: NodeJS.ProcessEnv): FrontendOptions {
  return {
    id: env.PASSERINE_FRONTEND_ID || undefined,
    heartbeatMs: numberOf(env.PASSERINE_HEARTBEAT_MS, 'PASSERINE_HEARTBEAT_MS'),
    staleAfterMs: numberOf(env.PASSERINE_STALE_AFTER_MS, 'PASSERINE_STALE_AFTER_MS'),
  };
}

export function createFrontendService(ctx: ServiceContext, env: NodeJS.ProcessEnv = process.env): Frontend {
  return new Frontend(ctx, frontendOptionsFromEnv(env));
}
