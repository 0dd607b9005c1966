import { listRuns, readRegistry, runStatus } from '@passerine/batch-protocol';
import { JetStreamEventLog } from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import { z } from 'zod';
import { type RouteDef, route } from './routes.ts';
import { MAX_PAGE_ROWS } from './workqueue-routes.ts';

const runStatuses = [
  'dispatched',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'dropped',
  'refused',
] as const;

/** Batch jobs: the registered job definitions and their runs, as `passerine jobs list` and `runs` show them. */
export function batchRoutes(nc: NatsConnection, names: Names): RouteDef[] {
  const log = new JetStreamEventLog(nc, { stream: names.eventStream });
  return [
    route({
      method: 'GET',
      path: '/api/v1/batch/definitions',
      summary: 'the registered job definitions and data sets',
      async handle() {
        const { registry } = await readRegistry(log, names);
        const jobs = [...registry.jobs.values()]
          .sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1))
          .map((j) => ({ ...j, digest: undefined }));
        return { jobs, datasets: [...registry.datasets.values()] };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/batch/runs',
      summary: `the newest runs (at most ${MAX_PAGE_ROWS}), of one job or status if asked, with counts`,
      query: z.strictObject({
        job: z.string().min(1).optional(),
        status: z.enum(runStatuses).optional(),
        limit: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).default(MAX_PAGE_ROWS),
      }),
      errors: { 503: 'no dispatcher answers' },
      handle: ({ query }) => listRuns(nc, names, query),
    }),
    route({
      method: 'GET',
      path: '/api/v1/batch/runs/:id',
      summary: 'a run: its status, attempts and reason',
      params: z.strictObject({ id: z.string().min(1).max(256) }),
      errors: { 404: 'no such run', 503: 'no dispatcher answers' },
      handle: ({ params }) => runStatus(nc, names, params.id),
    }),
  ];
}
