import type { WorkQueueClient } from '@passerine/client';
import { NotFoundError } from '@passerine/core';
import { type DeadLetter, jobDeadLetters, resolveSpec, unitDeadLetters } from '@passerine/deadletters';
import type { NatsConnection } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import { MAX_KEYS_PER_REQUEST } from '@passerine/workqueue-api';
import { z } from 'zod';
import { hexKey, keyFormat, keyFromPath, namespaceParam } from './path-names.ts';
import { type RouteDef, route } from './routes.ts';
import { jsonName, nameFromJson } from './wire-json.ts';

/** Most dead letters one answer lists; `more` says whether others follow. */
export const MAX_DEAD_LETTERS_LISTED = 100;

const limit = z.coerce.number().int().min(1).max(MAX_DEAD_LETTERS_LISTED).default(MAX_DEAD_LETTERS_LISTED);
const jobId = z.string().min(1).max(256);

/** One more than asked is read, so the answer knows whether the list goes on. */
async function page(limitAsked: number, read: (limit: number) => Promise<DeadLetter[]>) {
  const letters = await read(limitAsked + 1);
  return { deadLetters: letters.slice(0, limitAsked), more: letters.length > limitAsked };
}

/**
 * Dead letters, as `passerine deadletters` has them (libs/deadletters): scheduler jobs that ended
 * with failed tasks (of no namespace), and each namespace's failed units; listed, shown, redriven.
 */
export function deadLetterRoutes(
  nc: NatsConnection,
  names: Names,
  clientFor: (namespace: string) => WorkQueueClient,
): RouteDef[] {
  const jobs = jobDeadLetters(nc, names);
  return [
    route({
      method: 'GET',
      path: '/api/v1/deadletters/jobs',
      summary: `scheduler jobs that ended with failed tasks and were not redriven (at most ${MAX_DEAD_LETTERS_LISTED})`,
      query: z.strictObject({ limit }),
      handle: ({ query }) => page(query.limit, (n) => jobs.list({ limit: n })),
    }),
    route({
      method: 'GET',
      path: '/api/v1/deadletters/jobs/:id',
      summary: 'one dead job: its failed tasks with their errors',
      params: z.strictObject({ id: jobId }),
      errors: { 404: 'no such job, or the job is no dead letter (the message says why)' },
      handle: ({ params }) => jobs.show(params.id),
    }),
    route({
      method: 'POST',
      path: '/api/v1/deadletters/jobs/:id/redrive',
      summary: 'run the failed tasks of a dead job again, as the job `<id>-redrive-<n>`',
      params: z.strictObject({ id: jobId }),
      body: z.strictObject({}),
      errors: {
        404: 'no such job',
        409: 'the job is no dead letter: still running, ended without failures, or redriven already',
      },
      handle: ({ params }) => jobs.redriveOne(params.id),
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/deadletters/units',
      summary: `failed units of a namespace, of one spec if asked (at most ${MAX_DEAD_LETTERS_LISTED})`,
      params: z.strictObject({ namespace: namespaceParam }),
      query: z.strictObject({ spec: z.string().min(1).optional(), limit }),
      errors: { 404: 'no such work spec' },
      handle: ({ params, query }) =>
        page(query.limit, (n) =>
          unitDeadLetters(clientFor(params.namespace)).list({ spec: query.spec, limit: n }),
        ),
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/deadletters/units/:spec/:key',
      summary: 'one failed unit with its traceback',
      params: z.strictObject({ namespace: namespaceParam, spec: z.string().min(1), key: z.string() }),
      query: z.strictObject({ keyFormat }),
      errors: { 404: 'no such work spec or unit, or the unit has not failed' },
      async handle({ params, query }) {
        if (!hexKey({ keyFormat: query.keyFormat, key: params.key }))
          throw new NotFoundError(`key ${JSON.stringify(params.key)} is not hex`);
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        return unitDeadLetters(client).show(spec.name, keyFromPath(params.key, query.keyFormat));
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/namespaces/:namespace/deadletters/units/:spec/redrive',
      summary: 'make failed units available again: these keys, or every failed unit of the spec (allFailed)',
      params: z.strictObject({ namespace: namespaceParam, spec: z.string().min(1) }),
      body: z.union([
        z.strictObject({ keys: z.array(jsonName).min(1).max(MAX_KEYS_PER_REQUEST) }),
        z.strictObject({ allFailed: z.literal(true) }),
      ]) as never,
      errors: {
        404: 'no such work spec or unit',
        409: 'a named unit has not failed (nothing is redriven)',
      },
      async handle({ params, body }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const choice = body as { keys?: Array<z.infer<typeof jsonName>>; allFailed?: true };
        const redriven = await unitDeadLetters(client).redriveUnits(
          spec.name,
          choice.keys ? { keys: choice.keys.map(nameFromJson) } : { allFailed: true },
        );
        return { redriven };
      },
    }),
  ];
}
