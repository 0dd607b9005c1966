import { positiveNumberFromEnv } from '@passerine/core';
import type { ServiceContext } from '@passerine/natsconn';
import { Frontend } from './frontend.ts';
import type { FrontendOptions } from './options.ts';

/** Frontend settings for `passerine up` / `serve frontend`, from PASSERINE_* variables. */
export function frontendOptionsFromEnv(env: NodeJS.ProcessEnv): FrontendOptions {
  return {
    id: env.PASSERINE_FRONTEND_ID || undefined,
    heartbeatMs: positiveNumberFromEnv(env, 'PASSERINE_HEARTBEAT_MS'),
    staleAfterMs: positiveNumberFromEnv(env, 'PASSERINE_STALE_AFTER_MS'),
  };
}

export function createFrontendService(ctx: ServiceContext, env: NodeJS.ProcessEnv = process.env): Frontend {
  return new Frontend(ctx, frontendOptionsFromEnv(env));
}
