import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { decode, IllegalStateError } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import { isTerminal } from '@passerine/scheduling';
import {
  cancelJob,
  jobStatus,
  listRunningJobs,
  MAX_RUNNING_JOBS_LISTED,
  type NodeAdvert,
  openMembershipBucket,
  readAdverts,
  type RunningJobsCursor,
} from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import { z } from 'zod';
import { type RouteDef, route } from './routes.ts';

/** Most node monitors one answer lists. */
export const MAX_NODES_LISTED = 1_000;

const jobId = z.strictObject({ id: z.string().min(1).max(256) });

/** The node monitors' adverts as they stand in the membership bucket. */
export async function readNodes(bucket: KV): Promise<NodeAdvert[]> {
  const nodes = await readAdverts<NodeAdvert>(bucket, MAX_NODES_LISTED);
  return nodes.sort((a, b) => a.id.localeCompare(b.id));
}

/** Most output lines one answer carries. */
export const MAX_LOG_LINES = 1_000;

interface OutputLine {
  taskId: string;
  stream: string;
  line: string;
}

/** A job's output lines from the log stream, read by an ordered consumer that goes away after. */
async function readJobLogs(nc: NatsConnection, names: Names, id: string) {
  const consumer = await jetstream(nc).consumers.get(names.logStream, {
    filter_subjects: names.jobLogs(id),
    deliver_policy: DeliverPolicy.All,
  });
  const lines: OutputLine[] = [];
  const pending = (await consumer.info(true)).num_pending;
  if (pending > 0) {
    const messages = await consumer.fetch({ max_messages: Math.min(pending, MAX_LOG_LINES), expires: 5_000 });
    for await (const msg of messages) {
      lines.push(decode<OutputLine>(msg.data));
      if (msg.info.pending === 0 || lines.length >= MAX_LOG_LINES) break;
    }
  }
  await consumer.delete().catch(() => undefined);
  return { lines, truncated: pending > lines.length };
}

/** A bucket opened on first use, and again after a failed open. */
export function lazyBucket(nc: NatsConnection, name: string): () => Promise<KV> {
  let bucket: Promise<KV> | undefined;
  return () => {
    bucket ??= openMembershipBucket(nc, name).catch((err) => {
      bucket = undefined;
      throw err;
    });
    return bucket;
  };
}

/** A page cursor in a query, `<since>:<jobId>`, as `next` gives it. */
const cursorText = z
  .string()
  .regex(/^\d+:.+$/, 'must be <since>:<jobId>, as the `next` of the page before')
  .transform((text): RunningJobsCursor => {
    const at = text.indexOf(':');
    return { since: Number(text.slice(0, at)), jobId: text.slice(at + 1) };
  });

export function schedulingRoutes(nc: NatsConnection, names: Names): RouteDef[] {
  const nodeBucket = lazyBucket(nc, names.nodeBucket);
  const frontendBucket = lazyBucket(nc, names.frontendBucket);
  return [
    route({
      method: 'GET',
      path: '/api/v1/jobs',
      summary: `the jobs running now, newest first (at most ${MAX_RUNNING_JOBS_LISTED}); \`next\` is where the following page starts`,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(MAX_RUNNING_JOBS_LISTED).default(MAX_RUNNING_JOBS_LISTED),
        before: cursorText.optional(),
      }),
      async handle({ query }) {
        const page = await listRunningJobs(nc, names, await frontendBucket(), {
          limit: query.limit,
          ...(query.before && { before: query.before }),
        });
        return { ...page, next: page.next && `${page.next.since}:${page.next.jobId}` };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/jobs/:id',
      summary: 'a job and its tasks',
      params: jobId,
      errors: { 404: 'no such job' },
      handle: ({ params }) => jobStatus(nc, names, params.id),
    }),
    route({
      method: 'POST',
      path: '/api/v1/jobs/:id/cancel',
      summary: 'cancel a job: its queued tasks are dropped and running ones killed',
      params: jobId,
      body: z.strictObject({ reason: z.string().max(1_000).optional() }),
      errors: { 404: 'no such job', 409: 'the job has ended already' },
      async handle({ params, body }) {
        const now = await jobStatus(nc, names, params.id);
        if (isTerminal(now.status)) {
          throw new IllegalStateError(`job ${params.id} is ${now.status} already, so it cannot be cancelled`);
        }
        return cancelJob(nc, names, params.id, body.reason ?? 'cancelled over HTTP');
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/jobs/:id/logs',
      summary: `the output lines of a job's tasks, the first ${MAX_LOG_LINES}`,
      params: jobId,
      handle: ({ params }) => readJobLogs(nc, names, params.id),
    }),
    route({
      method: 'GET',
      path: '/api/v1/nodes',
      summary: 'the node monitors with their slots and resources in use',
      async handle() {
        const nodes = await readNodes(await nodeBucket());
        return { nodes, at: Date.now() };
      },
    }),
  ];
}
