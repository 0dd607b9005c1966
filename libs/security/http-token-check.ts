import type { Logger } from '@passerine/core';
import { checkBearer, type EdgeToken, type TokenCheck, type TokenNeed } from './bearer.ts';

/** The part of an HTTP request a token check reads (a Node, fastify or undici request all have it). */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
}

export type HttpTokenCheck = (
  request: HttpRequestLike,
  need: TokenNeed,
) => TokenCheck & { headers?: Record<string, string> };

/**
 * The HTTP edge's token check, for its server to call before a route's handler (a fastify
 * `onRequest` hook, say): an answer of `ok: false` is sent as its status with the message and
 * the headers given, and nothing else of the request runs. Refusals are logged without the token.
 */
export function createHttpTokenCheck(tokens: readonly EdgeToken[], logger?: Logger): HttpTokenCheck {
  return (request, need) => {
    const header = request.headers.authorization;
    const check = checkBearer(Array.isArray(header) ? header[0] : header, tokens, need);
    if (check.ok) return check;
    logger?.warn(
      { method: request.method, url: request.url, status: check.status },
      `HTTP request refused: ${check.message}`,
    );
    return check.status === 401
      ? { ...check, headers: { 'www-authenticate': 'Bearer realm="passerine"' } }
      : check;
  };
}
