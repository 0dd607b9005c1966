import { retryUnits, type WorkQueueClient } from '@passerine/client';
import { IllegalStateError, NotFoundError } from '@passerine/core';
import type { Name, SpecSummary } from '@passerine/workqueue-api';
import { MAX_KEYS_PER_REQUEST } from '@passerine/workqueue-api';
import { z } from 'zod';
import { hexKey, keyFormat, keyFromPath, namespaceParam, resolveSpec } from './path-names.ts';
import { type RouteDef, route } from './routes.ts';
import { answerToJson, cborToJson, jsonName, nameFromJson, nameToJson } from './wire-json.ts';

/** Most rows one page of units holds: a spec of 100,000 units is never sent whole. */
export const MAX_PAGE_ROWS = 100;

const STATUS_NAMES = { available: 1, blocked: 2, pending: 3, finished: 4, failed: 5 } as const;
const statusName = (n: number) =>
  (Object.entries(STATUS_NAMES).find(([, v]) => v === n)?.[0] ?? `status ${n}`) as string;
const statusWord = z.enum(Object.keys(STATUS_NAMES) as [keyof typeof STATUS_NAMES]);

const ns = z.strictObject({ namespace: namespaceParam });
const nsSpec = z.strictObject({ namespace: namespaceParam, spec: z.string().min(1) });
const nsSpecKey = z.strictObject({ namespace: namespaceParam, spec: z.string().min(1), key: z.string() });
const keys = z.array(jsonName).min(1).max(MAX_KEYS_PER_REQUEST);

export function specView(s: SpecSummary) {
  return {
    name: nameToJson(s.name),
    status: s.status === 2 ? 'paused' : 'runnable',
    weight: s.weight,
    counts: Object.fromEntries(Object.entries(STATUS_NAMES).map(([word, n]) => [word, s.counts[n] ?? 0])),
  };
}

interface UnitStatusView {
  status: number;
  worker_id?: string | null;
  expiration?: number | null;
  traceback?: string | null;
}

/** The API over one namespace's work queue; `clientFor` gives the store client of a namespace. */
export function workQueueRoutes(clientFor: (namespace: string) => WorkQueueClient): RouteDef[] {
  const setPaused = (paused: boolean) =>
    route({
      method: 'POST',
      path: `/api/v1/namespaces/:namespace/specs/:spec/${paused ? 'pause' : 'resume'}`,
      summary: paused ? 'pause a work spec: workers get none of its units' : 'resume a paused work spec',
      params: nsSpec,
      errors: {
        404: 'no such work spec',
        409: paused ? 'the spec is paused already' : 'the spec is not paused',
      },
      async handle({ params }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        if ((spec.status === 2) === paused) {
          throw new IllegalStateError(
            `work spec ${JSON.stringify(params.spec)} is ${paused ? 'paused already' : 'not paused'}`,
          );
        }
        await client.call('controlWorkSpec', { name: spec.name, changes: { status: paused ? 2 : 1 } });
        return specView({ ...spec, status: paused ? 2 : 1 });
      },
    });

  return [
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/specs',
      summary: 'the work specs of a namespace with their unit counts by status',
      params: ns,
      async handle({ params }) {
        const specs = await clientFor(params.namespace).call<'summary', SpecSummary[]>('summary', {});
        return { specs: specs.map(specView) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/specs/:spec',
      summary: 'a work spec: its definition (CBOR as lossless JSON), meta and counts',
      params: nsSpec,
      errors: { 404: 'no such work spec' },
      async handle({ params }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const data = await client.call<'getWorkSpec', Uint8Array | null>('getWorkSpec', { name: spec.name });
        const meta = await client.call('getWorkSpecMeta', { name: spec.name });
        return { ...specView(spec), definition: cborToJson(data), meta: answerToJson(meta) };
      },
    }),
    setPaused(true),
    setPaused(false),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/specs/:spec/units',
      summary: `a page of a spec's units (at most ${MAX_PAGE_ROWS}); \`next\` is where the following page starts`,
      params: nsSpec,
      query: z.strictObject({
        status: statusWord.optional(),
        start: z.string().optional(),
        keyFormat,
        limit: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).default(MAX_PAGE_ROWS),
      }),
      errors: { 404: 'no such work spec' },
      async handle({ params, query }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const page = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>('getWorkUnits', {
          spec: spec.name,
          state: query.status ? STATUS_NAMES[query.status] : undefined,
          start: query.start === undefined ? undefined : keyFromPath(query.start, query.keyFormat),
          limit: query.limit + 1,
        });
        const rows = page.slice(0, query.limit);
        const statuses = rows.length
          ? await client.call<'getWorkUnitStatus', Array<UnitStatusView | null>>('getWorkUnitStatus', {
              spec: spec.name,
              keys: rows.map(([k]) => k),
            })
          : [];
        return {
          units: rows.map(([key, data], i) => unitRow(key, statuses[i], data)),
          next: page.length > query.limit ? nameToJson(page[query.limit][0]) : null,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/specs/:spec/units/:key',
      summary: 'a unit with its attempt history, newest first',
      params: nsSpecKey,
      query: z.strictObject({ keyFormat }),
      errors: { 404: 'no such work spec or unit' },
      async handle({ params, query }) {
        if (!hexKey({ keyFormat: query.keyFormat, key: params.key })) {
          throw new NotFoundError(`key ${JSON.stringify(params.key)} is not hex`);
        }
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const key = keyFromPath(params.key, query.keyFormat);
        const [status] = await client.call<'getWorkUnitStatus', Array<UnitStatusView | null>>(
          'getWorkUnitStatus',
          {
            spec: spec.name,
            keys: [key],
          },
        );
        if (!status)
          throw new NotFoundError(
            `no work unit ${JSON.stringify(params.key)} in ${JSON.stringify(params.spec)}`,
          );
        const [[, data] = [key, null]] = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>(
          'getWorkUnits',
          { spec: spec.name, keys: [key] },
        );
        const attempts = await client.call('unitHistory', { spec: spec.name, key });
        return { ...unitRow(key, status, data), attempts: answerToJson(attempts) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/namespaces/:namespace/specs/:spec/units/retry',
      summary: 'make failed units available again: these keys, or every failed unit (allFailed)',
      params: nsSpec,
      body: z.union([z.strictObject({ keys }), z.strictObject({ allFailed: z.literal(true) })]) as never,
      errors: { 404: 'no such work spec or unit', 409: 'a named unit has not failed (nothing is retried)' },
      async handle({ params, body }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const choice = body as { keys?: Array<z.infer<typeof jsonName>>; allFailed?: true };
        const retried = await retryUnits(
          client,
          spec.name,
          choice.keys ? { keys: choice.keys.map(nameFromJson) } : { allFailed: true },
        );
        return { retried };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/namespaces/:namespace/specs/:spec/units/prioritize',
      summary: 'set (priority) or adjust (adjustment) the priority of units',
      params: nsSpec,
      body: z.union([
        z.strictObject({ keys, priority: z.number().finite() }),
        z.strictObject({ keys, adjustment: z.number().finite() }),
      ]) as never,
      errors: { 404: 'no such work spec' },
      async handle({ params, body }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const b = body as { keys: Array<z.infer<typeof jsonName>>; priority?: number; adjustment?: number };
        await client.call('prioritizeWorkUnits', {
          spec: spec.name,
          keys: b.keys.map(nameFromJson),
          priority: b.priority,
          adjustment: b.adjustment,
        });
        return { prioritized: b.keys.length };
      },
    }),
    route({
      method: 'POST',
      path: '/api/v1/namespaces/:namespace/specs/:spec/units/delete',
      summary: 'delete units: these keys, every unit in these statuses, or all',
      params: nsSpec,
      body: z.union([
        z.strictObject({ keys }),
        z.strictObject({ status: z.array(statusWord).min(1) }),
        z.strictObject({ all: z.literal(true) }),
      ]) as never,
      errors: { 404: 'no such work spec' },
      async handle({ params, body }) {
        const client = clientFor(params.namespace);
        const spec = await resolveSpec(client, params.spec);
        const b = body as {
          keys?: Array<z.infer<typeof jsonName>>;
          status?: Array<keyof typeof STATUS_NAMES>;
          all?: true;
        };
        const deleted = await client.call<'delWorkUnits', number>('delWorkUnits', {
          spec: spec.name,
          keys: b.keys?.map(nameFromJson),
          state: b.status?.map((s) => STATUS_NAMES[s]),
          all: b.all,
        });
        return { deleted };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/workers',
      summary: 'the workers of a namespace, with their modes',
      params: ns,
      async handle({ params }) {
        const client = clientFor(params.namespace);
        return {
          modes: answerToJson(await client.call('listWorkerModes', {})),
          stats: answerToJson(await client.call('workerStats', {})),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/v1/namespaces/:namespace/workers/:worker',
      summary: 'a worker and the attempts it holds',
      params: z.strictObject({ namespace: namespaceParam, worker: z.string().min(1) }),
      errors: { 404: 'no such worker' },
      async handle({ params }) {
        const client = clientFor(params.namespace);
        const info = await client.call('getWorkerInfo', { workerId: params.worker });
        if (!info)
          throw new NotFoundError(
            `no worker ${JSON.stringify(params.worker)} in namespace ${params.namespace}`,
          );
        const attempts = await client.call('workerAttempts', { workerId: params.worker });
        return { info: answerToJson(info), attempts: answerToJson(attempts) };
      },
    }),
  ];
}

function unitRow(key: Name, status: UnitStatusView | null | undefined, data: Uint8Array | null) {
  return {
    key: nameToJson(key),
    status: status ? statusName(status.status) : null,
    workerId: status?.worker_id ?? null,
    expiration: status?.expiration ?? null,
    traceback: status?.traceback ?? null,
    data: cborToJson(data),
  };
}
