import type { ErrorCode } from '@passerine/core';
import { PasserineError } from '@passerine/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/**
 * The HTTP edge's one table from error codes to statuses. An action on a spec or job in the wrong
 * state is a conflict with that state (409), as HTTP clients expect, where the shared table says 403.
 */
const statusOf: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  illegal_state: 409,
  concurrency: 409,
  too_large: 413,
  corrupt: 422,
  timeout: 504,
  internal: 500,
  unavailable: 503,
  unauthenticated: 401,
  forbidden: 403,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** A request that did not pass its schema, naming the first field at fault. */
export class RequestInvalid extends PasserineError {
  readonly field: string;
  constructor(part: 'body' | 'query' | 'path', issues: z.core.$ZodIssue[]) {
    const first = mostTelling(issues);
    const path = [part, ...(first?.path ?? []).map(String)];
    const unknown = first?.code === 'unrecognized_keys' ? first.keys : undefined;
    const field = unknown ? [...path, unknown[0]].join('.') : path.join('.');
    const message = unknown ? `${field}: unknown field` : `${field}: ${first?.message ?? 'invalid'}`;
    super('validation', message);
    this.field = field;
  }
}

/**
 * The issue that names what is wrong. When no branch of a union fits, the branch that came
 * closest (fewest issues) tells it: `{"keys": [...], "bogus": 1}` is "body.bogus: unknown field".
 */
function mostTelling(issues: z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const first = issues[0];
  if (first?.code !== 'invalid_union' || first.errors.length === 0) return first;
  const closest = [...first.errors].sort((a, b) => a.length - b.length)[0];
  const inner = mostTelling(closest);
  return inner ? { ...inner, path: [...first.path, ...inner.path] } : first;
}

/** Every error of every route ends here: one JSON shape, the status from the table above. */
export function replyWithError(err: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof RequestInvalid) {
    void reply.code(400).send({ error: { code: err.code, message: err.message, field: err.field } });
    return;
  }
  if (err instanceof PasserineError) {
    if (err.code === 'unauthenticated') void reply.header('www-authenticate', 'Bearer realm="passerine"');
    void reply.code(statusOf[err.code]).send({ error: { code: err.code, message: err.message } });
    return;
  }
  const fastifyError = err as FastifyError;
  if (
    fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    void reply.code(400).send({
      error: { code: 'validation', message: `body: malformed JSON (${fastifyError.message})`, field: 'body' },
    });
    return;
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    void reply.code(status).send({ error: { code: 'validation', message: fastifyError.message } });
    return;
  }
  reply.log.error({ err }, 'HTTP request failed');
  void reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
}
