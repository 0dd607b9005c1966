import { createHash, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@passerine/core';
import type { Role } from './roles.ts';

/**
 * Whom an edge token stands for: a NATS role (a namespace's worker, an admin) or one the edges
 * alone know — a viewer reads, an operator also acts (pauses, retries, cancels, redrives).
 */
export type EdgeRole = Extract<Role, 'worker' | 'admin'> | 'viewer' | 'operator';
export const EDGE_ROLES: readonly EdgeRole[] = ['viewer', 'operator', 'worker', 'admin'];

/** A bearer token an edge accepts, and whom it stands for. */
export interface EdgeToken {
  token: string;
  role: EdgeRole;
  /** A token with a namespace is good for that namespace only. */
  namespace?: string;
}

export type TokenCheck =
  | { ok: true; token: Omit<EdgeToken, 'token'> }
  | { ok: false; status: 401 | 403; message: string };

/** What a call needs: one of these roles, and (for namespaced calls) that namespace. */
export interface TokenNeed {
  roles: readonly EdgeRole[];
  namespace?: string;
  /** The call is about no one namespace (jobs, nodes): a token bound to a namespace may not make it. */
  clusterWide?: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Reads `Bearer <token>` from an Authorization header (or gRPC `authorization` metadata). */
export function bearerOf(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Checks a call's bearer token: 401 when it is missing or unknown, 403 when it belongs to a role
 * or namespace the call is not for. Admin tokens pass every check. Compared by digest in constant
 * time, so a wrong token's timing says nothing about a right one.
 */
export function checkBearer(
  header: string | undefined,
  tokens: readonly EdgeToken[],
  need: TokenNeed,
): TokenCheck {
  const given = bearerOf(header);
  if (!given)
    return { ok: false, status: 401, message: 'a bearer token is required (Authorization: Bearer <token>)' };
  const givenDigest = digest(given);
  const found = tokens.find((t) => timingSafeEqual(digest(t.token), givenDigest));
  if (!found) return { ok: false, status: 401, message: 'the bearer token is not one this server accepts' };
  const { token: _secret, ...who } = found;
  if (found.role === 'admin') return { ok: true, token: who };
  if (!need.roles.includes(found.role)) {
    return {
      ok: false,
      status: 403,
      message: `a ${found.role} token may not make this call (needs ${need.roles.join(' or ')})`,
    };
  }
  if (found.namespace !== undefined && need.clusterWide) {
    return {
      ok: false,
      status: 403,
      message: `the token is for namespace ${JSON.stringify(found.namespace)} only, and this call is about no one namespace`,
    };
  }
  if (found.namespace !== undefined && need.namespace !== undefined && found.namespace !== need.namespace) {
    return {
      ok: false,
      status: 403,
      message: `the token is for namespace ${JSON.stringify(found.namespace)}, not ${JSON.stringify(need.namespace)}`,
    };
  }
  return { ok: true, token: who };
}

/**
 * Reads the tokens file an edge is given: one token a line, `<token> <role> [namespace]`, `#`
 * comments. A line that does not parse stops start-up with its number.
 */
export function parseTokenFile(text: string, roles: readonly EdgeRole[]): EdgeToken[] {
  const tokens: EdgeToken[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const [token, role, namespace, extra] = line.split(/\s+/);
    if (!token || !role || extra !== undefined || !roles.includes(role as EdgeRole)) {
      throw new ValidationError(
        `tokens file line ${index + 1}: expected "<token> <role> [namespace]" with a role of ${roles.join(', ')}`,
      );
    }
    if (token.length < 16)
      throw new ValidationError(`tokens file line ${index + 1}: a token has at least 16 characters`);
    tokens.push({ token, role: role as EdgeRole, ...(namespace !== undefined && { namespace }) });
  });
  return tokens;
}
