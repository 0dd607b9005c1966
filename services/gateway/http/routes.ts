import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RequestInvalid } from './http-errors.ts';

type Shape = z.ZodObject;

/**
 * One route of the JSON API: its schemas (strict zod objects: unknown fields are refused) serve both
 * the check of every request and the OpenAPI description, so the two cannot drift apart.
 */
export interface RouteDef<P extends Shape = Shape, Q extends Shape = Shape, B extends Shape = Shape> {
  method: 'GET' | 'POST' | 'DELETE';
  /** fastify's form, `:name` for a path parameter. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Statuses this route answers besides 200 and 400, with what they mean. */
  errors?: Record<number, string>;
  handle(input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> }): Promise<unknown>;
}

export function route<P extends Shape, Q extends Shape, B extends Shape>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

function check<S extends Shape>(schema: S | undefined, value: unknown, part: 'body' | 'query' | 'path') {
  if (!schema) return {};
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new RequestInvalid(part, result.error.issues);
  return result.data;
}

export function registerRoutes(app: FastifyInstance, routes: readonly RouteDef[]): void {
  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.path,
      handler: async (request) => {
        const params = check(def.params, request.params, 'path');
        const query = check(def.query, request.query, 'query');
        const body = check(def.body, def.body ? request.body : undefined, 'body');
        return def.handle({ params, query, body } as never);
      },
    });
  }
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

function parameters(schema: Shape | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }),
  }));
}

/** The OpenAPI 3.1 description of the routes, built from their schemas. */
export function openApiDocument(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const path = def.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      200: { description: 'done', content: { 'application/json': { schema: {} } } },
      400: {
        description: 'malformed JSON or a field that is wrong or unknown, named in error.field',
        content: { 'application/json': { schema: errorSchema } },
      },
    };
    for (const [status, description] of Object.entries(def.errors ?? {})) {
      responses[status] = { description, content: { 'application/json': { schema: errorSchema } } };
    }
    paths[path] ??= {};
    paths[path][def.method.toLowerCase()] = {
      summary: def.summary,
      parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
      ...(def.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(def.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passerine HTTP API',
      version,
      description:
        'Work specs, units, workers, jobs and node monitors, with the actions of the command line. ' +
        'Names and keys are text, or bytes as {"$bytes": base64}; in a path a key is text unless ' +
        'keyFormat says hex or bytes.',
    },
    paths,
  };
}
