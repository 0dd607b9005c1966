import type { Logger } from '@passerine/core';
import {
  checkBearer,
  EDGE_ROLES,
  type EdgeRole,
  type EdgeToken,
  type TokenCheck,
  type TokenNeed,
} from './bearer.ts';

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

/** What an HTTP request does, as far as its token is concerned. */
export type HttpAccess = 'read' | 'act';

/**
 * The HTTP edge's role table: reading (a GET) is open to a token of any role; acting (pausing,
 * retrying, deleting, cancelling, redriving) needs an operator's or an admin's. A token bound to a
 * namespace reaches that namespace's routes only.
 */
export const HTTP_ROLES: Record<HttpAccess, readonly EdgeRole[]> = {
  read: EDGE_ROLES,
  act: ['operator', 'admin'],
};

/** What a request needs of its token: by what it does, and the namespace it is about (if any). */
export function httpNeed(access: HttpAccess, namespace: string | undefined): TokenNeed {
  const roles = HTTP_ROLES[access];
  return namespace === undefined ? { roles, clusterWide: true } : { roles, namespace };
}
