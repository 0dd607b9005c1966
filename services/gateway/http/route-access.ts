import { ForbiddenError, type Logger, UnauthenticatedError } from '@passerine/core';
import { createHttpTokenCheck, type EdgeToken, type HttpAccess, httpNeed } from '@passerine/security';
import type { FastifyRequest } from 'fastify';

/**
 * Routes any caller may ask for: the probes, the API's description, and the dashboard's page and
 * scripts, which hold no data (what they show comes from the API, which asks for a token).
 */
const OPEN_ROUTES = new Set(['/healthz', '/readyz', '/openapi.json', '/']);
const OPEN_PREFIX = '/assets/';

/**
 * The live feed is an EventSource, which cannot send an Authorization header: it alone may carry
 * its token as `?access_token=` (RFC 6750's query form). Request logging is off, so the token is
 * not written to the logs.
 */
const QUERY_TOKEN_ROUTES = new Set(['/api/v1/live']);

/** How a route is reached: reading for GET and HEAD, acting for every other method. */
function accessOf(method: string): HttpAccess {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'act';
}

function authorizationOf(request: FastifyRequest, route: string | undefined): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined || route === undefined || !QUERY_TOKEN_ROUTES.has(route)) return header;
  const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
  return typeof token === 'string' ? `Bearer ${token}` : undefined;
}

/**
 * The HTTP server's `authorize` hook when the gateway is given edge tokens: each route's need comes
 * from the role table of libs/security (what it does, and the `:namespace` it names, if any); a
 * request that fails it is refused (401, 403) before its handler runs, so it changes nothing.
 */
export function httpAuthorizer(tokens: readonly EdgeToken[], logger: Logger) {
  const check = createHttpTokenCheck(tokens, logger);
  return (request: FastifyRequest): void => {
    const route = request.routeOptions.url;
    if (route !== undefined && (OPEN_ROUTES.has(route) || route.startsWith(OPEN_PREFIX))) return;
    const namespace = (request.params as { namespace?: unknown } | undefined)?.namespace;
    const need = httpNeed(accessOf(request.method), typeof namespace === 'string' ? namespace : undefined);
    const headers = { ...request.headers, authorization: authorizationOf(request, route) };
    const answer = check({ headers, method: request.method, url: request.url.split('?')[0] }, need);
    if (answer.ok) return;
    throw answer.status === 401
      ? new UnauthenticatedError(answer.message)
      : new ForbiddenError(answer.message);
  };
}
