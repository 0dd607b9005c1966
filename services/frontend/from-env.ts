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
    pumpNamespaces: listFromEnv(env.PASSERINE_PUMP_NAMESPACES),
  };
}

/** A comma-separated list; unset keeps the default, an empty value means none. */
function listFromEnv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function createFrontendService(ctx: ServiceContext, env: NodeJS.ProcessEnv = process.env): Frontend {
  return new Frontend(ctx, frontendOptionsFromEnv(env));
}
