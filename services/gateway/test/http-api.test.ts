import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEdge } from './test-http.ts';

let server: TestServer;
let edge: Awaited<ReturnType<typeof startHttpEdge>>;

beforeAll(async () => {
  server = await startTestServer();
  edge = await startHttpEdge(await server.connect());
  await edge.addSpec(
    'day',
    Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`),
  );
  await edge.addSpec('bytes', [new Uint8Array([0xff, 0x00]), 'text']);
});

afterAll(async () => {
  await edge?.close();
  await server?.stop();
});

async function getOne(spec: string, workerId: string) {
  await edge.api.call('workerHeartbeat', { workerId, expireSeconds: 60 });
  const [work] = await edge.api.call<'getWork', Array<{ attempt_id: string; work_unit_key: unknown }>>(
    'getWork',
    {
      workerId,
      specs: [spec],
    },
  );
  return work;
}

async function failOne(spec: string, workerId: string) {
  const work = await getOne(spec, workerId);
  await edge.api.call('failAttempt', { attemptId: work.attempt_id });
  return work;
}

describe('the HTTP API', () => {
  it('lists specs with counts by status, and pages units 100 at most with where the next page starts', async () => {
    const specs = await edge.request('GET', '/api/v1/namespaces/default/specs');
    expect(specs.status).toBe(200);
    const day = specs.json.specs.find((s: { name: string }) => s.name === 'day');
    expect(day).toMatchObject({ status: 'runnable', counts: { available: 250, failed: 0 } });

    const first = await edge.request('GET', '/api/v1/namespaces/default/specs/day/units');
    expect(first.json.units).toHaveLength(100);
    expect(first.json.units[0]).toMatchObject({ key: 'u000', status: 'available', data: { n: 1 } });
    expect(first.json.next).toBe('u100');
    const last = await edge.request('GET', '/api/v1/namespaces/default/specs/day/units?start=u200&limit=100');
    expect(last.json.units).toHaveLength(50);
    expect(last.json.next).toBeNull();
  });

  it('reaches a unit keyed by bytes, shown in the lossless JSON form', async () => {
    const unit = await edge.request('GET', '/api/v1/namespaces/default/specs/bytes/units/ff00?keyFormat=hex');
    expect(unit.status).toBe(200);
    expect(unit.json).toMatchObject({ key: { $bytes: '/wA=' }, status: 'available', attempts: [] });
    const text = await edge.request('GET', '/api/v1/namespaces/default/specs/bytes/units/text');
    expect(text.json.key).toBe('text');
    const deleted = await edge.request('POST', '/api/v1/namespaces/default/specs/bytes/units/delete', {
      keys: [{ $bytes: '/wA=' }],
    });
    expect(deleted.json).toEqual({ deleted: 1 });
    expect(
      (await edge.request('GET', '/api/v1/namespaces/default/specs/bytes/units/ff00?keyFormat=hex')).status,
    ).toBe(404);
  });

  it('pauses and resumes a spec, and answers 409 with the reason when it is in that state already', async () => {
    const paused = await edge.request('POST', '/api/v1/namespaces/default/specs/day/pause');
    expect(paused.json.status).toBe('paused');
    const again = await edge.request('POST', '/api/v1/namespaces/default/specs/day/pause');
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/paused already/);
    expect((await edge.request('GET', '/api/v1/namespaces/default/specs/day')).json.status).toBe('paused');
    expect((await edge.request('POST', '/api/v1/namespaces/default/specs/day/resume')).json.status).toBe(
      'runnable',
    );
    expect((await edge.request('POST', '/api/v1/namespaces/default/specs/day/resume')).status).toBe(409);
  });

  it('retries a failed unit, with its attempt history; a unit that has not failed is a 409', async () => {
    const work = await failOne('day', 'w-retry');
    const key = work.work_unit_key as string;
    const failed = await edge.request('GET', `/api/v1/namespaces/default/specs/day/units/${key}`);
    expect(failed.json.status).toBe('failed');
    expect(failed.json.attempts).toHaveLength(1);
    expect(failed.json.attempts[0]).toMatchObject({ status: 'failed' });

    const notFailed = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/retry', {
      keys: [key, 'u249'],
    });
    expect(notFailed.status).toBe(409);
    expect(notFailed.json.error.message).toMatch(/"u249" has not failed/);
    expect((await edge.request('GET', `/api/v1/namespaces/default/specs/day/units/${key}`)).json.status).toBe(
      'failed',
    );

    const retried = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/retry', {
      keys: [key],
    });
    expect(retried.json).toEqual({ retried: 1 });
    expect((await edge.request('GET', `/api/v1/namespaces/default/specs/day/units/${key}`)).json.status).toBe(
      'available',
    );

    await failOne('day', 'w-retry-2');
    await failOne('day', 'w-retry-3');
    const all = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/retry', {
      allFailed: true,
    });
    expect(all.json).toEqual({ retried: 2 });
  });

  it('prioritizes units', async () => {
    const res = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/prioritize', {
      keys: ['u200'],
      priority: 50,
    });
    expect(res.json).toEqual({ prioritized: 1 });
    const work = await getOne('day', 'w-prio');
    expect(work.work_unit_key).toBe('u200');
    await edge.api.call('finishAttempt', { attemptId: work.attempt_id });
  });

  it('refuses malformed JSON and unknown or wrong fields with a 400 naming the field', async () => {
    const malformed = await edge.request(
      'POST',
      '/api/v1/namespaces/default/specs/day/units/retry',
      '{"keys": [',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatchObject({ code: 'validation', field: 'body' });
    expect(malformed.json.error.message).toMatch(/malformed JSON/);

    const unknown = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/retry', {
      keys: ['u001'],
      bogus: 1,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ field: 'body.bogus', message: 'body.bogus: unknown field' });

    const wrongType = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/prioritize', {
      keys: ['u001'],
      priority: 'high',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.field).toBe('body.priority');

    const badKey = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/delete', {
      keys: [{ $bytes: 'not base64!' }],
    });
    expect(badKey.json.error.field).toBe('body.keys.0.$bytes');

    const tooMany = await edge.request('GET', '/api/v1/namespaces/default/specs/day/units?limit=5000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.field).toBe('query.limit');
    const unknownQuery = await edge.request('GET', '/api/v1/namespaces/default/specs/day/units?sort=desc');
    expect(unknownQuery.json.error).toMatchObject({
      field: 'query.sort',
      message: 'query.sort: unknown field',
    });
    const badNamespace = await edge.request('GET', '/api/v1/namespaces/no%20such/specs');
    expect(badNamespace.json.error.field).toBe('path.namespace');
  });

  it('answers 404 for unknown specs, units, workers and routes', async () => {
    for (const path of [
      '/api/v1/namespaces/default/specs/nope',
      '/api/v1/namespaces/default/specs/nope/units',
      '/api/v1/namespaces/default/specs/day/units/nope',
      '/api/v1/namespaces/default/workers/nobody',
      '/api/v1/nothing',
    ]) {
      const res = await edge.request('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    const retry = await edge.request('POST', '/api/v1/namespaces/default/specs/day/units/retry', {
      keys: ['nope'],
    });
    expect(retry.status).toBe(404);
  });

  it('lists batch job definitions, and says when no dispatcher answers for runs', async () => {
    expect((await edge.request('GET', '/api/v1/batch/definitions')).json).toEqual({ jobs: [], datasets: [] });
    const runs = await edge.request('GET', '/api/v1/batch/runs?limit=10');
    expect(runs.status).toBe(503);
    expect(runs.json.error.code).toBe('unavailable');
    expect((await edge.request('GET', '/api/v1/batch/runs?status=lost')).json.error.field).toBe(
      'query.status',
    );
  });

  it('serves health, readiness and an OpenAPI description of every route', async () => {
    expect((await edge.request('GET', '/healthz')).json).toEqual({ ok: true });
    expect((await edge.request('GET', '/readyz')).json).toMatchObject({ ready: true });
    const doc = (await edge.request('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    const retry = doc.paths['/api/v1/namespaces/{namespace}/specs/{spec}/units/retry'].post;
    expect(Object.keys(retry.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409']));
    expect(JSON.stringify(retry.requestBody)).toContain('allFailed');
    const units = doc.paths['/api/v1/namespaces/{namespace}/specs/{spec}/units'].get;
    expect(units.parameters.find((p: { name: string }) => p.name === 'limit').schema.maximum).toBe(100);
  });
});
