import { awaitJob, encodePayload, submitJob } from '@passerine/scheduling-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperationsBed } from './test-operations.ts';

let bed: Awaited<ReturnType<typeof startOperationsBed>>;

const task = (id: string, exitCode: number, ms = 10) => ({
  id,
  payload: encodePayload({ kind: 'sleep', ms, exitCode }),
});

beforeAll(async () => {
  bed = await startOperationsBed();
  const { nc, names } = bed.cluster;
  await submitJob(nc, names, { id: 'dl-job', tasks: [task('t0', 0), task('t1', 3)] });
  await submitJob(nc, names, { id: 'ok-job', tasks: [task('t0', 0)] });
  await submitJob(nc, names, { id: 'long-job', tasks: [task('t0', 0, 60_000)] });
  await awaitJob(nc, names, 'dl-job');
  await awaitJob(nc, names, 'ok-job');
  await bed.failUnits('crawl', ['a', 'b'], 'Traceback (most recent call last):\nValueError: bad page');
});

afterAll(() => bed?.close());

describe('dead letters over HTTP', () => {
  it('lists a dead job and shows it with its failed task', async () => {
    const list = await bed.request('GET', '/api/v1/deadletters/jobs');
    expect(list.status).toBe(200);
    expect(list.json.deadLetters.map((l: { id: string }) => l.id)).toEqual(['dl-job']);
    expect(list.json.more).toBe(false);
    const one = await bed.request('GET', '/api/v1/deadletters/jobs/dl-job');
    expect(one.json).toMatchObject({ kind: 'job', id: 'dl-job', attempts: 1 });
    expect(one.json.lastError).toMatch(/1 task\(s\) failed; t1: exited with code 3/);
    expect((await bed.request('GET', '/api/v1/deadletters/jobs/nobody')).status).toBe(404);
    const healthy = await bed.request('GET', '/api/v1/deadletters/jobs/ok-job');
    expect(healthy).toMatchObject({
      status: 404,
      json: { error: { message: 'job ok-job ended with no failed task' } },
    });
  });

  it('lists failed units of a namespace a page at a time, and shows one with its traceback', async () => {
    const list = await bed.request('GET', '/api/v1/namespaces/default/deadletters/units?limit=1');
    expect(list.json.deadLetters.map((l: { id: string }) => l.id)).toEqual(['crawl/a']);
    expect(list.json.more).toBe(true);
    const both = await bed.request('GET', '/api/v1/namespaces/default/deadletters/units?spec=crawl');
    expect(both.json).toMatchObject({ more: false, deadLetters: [{ id: 'crawl/a' }, { id: 'crawl/b' }] });
    const one = await bed.request('GET', '/api/v1/namespaces/default/deadletters/units/crawl/a');
    expect(one.json).toMatchObject({ kind: 'unit', lastError: 'ValueError: bad page', detail: { key: 'a' } });
    expect((await bed.request('GET', '/api/v1/namespaces/default/deadletters/units?spec=nope')).status).toBe(
      404,
    );
    expect((await bed.request('GET', '/api/v1/namespaces/default/deadletters/units/crawl/zz')).status).toBe(
      404,
    );
    const unknown = await bed.request('GET', '/api/v1/namespaces/default/deadletters/units?bogus=1');
    expect(unknown).toMatchObject({ status: 400, json: { error: { field: 'query.bogus' } } });
  });

  it('redrives a dead job as a new job, once; a job that is no dead letter is a conflict', async () => {
    const running = await bed.request('POST', '/api/v1/deadletters/jobs/long-job/redrive', {});
    expect(running).toMatchObject({
      status: 409,
      json: { error: { message: 'job long-job is still active' } },
    });
    expect((await bed.request('POST', '/api/v1/deadletters/jobs/ok-job/redrive', {})).status).toBe(409);
    expect((await bed.request('POST', '/api/v1/deadletters/jobs/nobody/redrive', {})).status).toBe(404);
    const bad = await bed.request('POST', '/api/v1/deadletters/jobs/dl-job/redrive', { now: true });
    expect(bad).toMatchObject({ status: 400, json: { error: { field: 'body.now' } } });

    const redriven = await bed.request('POST', '/api/v1/deadletters/jobs/dl-job/redrive', {});
    expect(redriven).toMatchObject({ status: 200, json: { jobId: 'dl-job', as: 'dl-job-redrive-1' } });
    const again = await bed.request('POST', '/api/v1/deadletters/jobs/dl-job/redrive', {});
    expect(again).toMatchObject({
      status: 409,
      json: { error: { message: 'job dl-job was redriven already as dl-job-redrive-1' } },
    });
    // The redrive runs t1 alone; it fails again, so the redrive is the dead letter now.
    const result = await awaitJob(bed.cluster.nc, bed.cluster.names, 'dl-job-redrive-1');
    expect(result.tasks.map((t) => t.id)).toEqual(['t1']);
    const list = await bed.request('GET', '/api/v1/deadletters/jobs');
    expect(list.json.deadLetters.map((l: { id: string }) => l.id)).toEqual(['dl-job-redrive-1']);
  });

  it('redrives failed units: back to available, and gone from the dead letters', async () => {
    const notFailed = await bed.request(
      'POST',
      '/api/v1/namespaces/default/deadletters/units/crawl/redrive',
      {
        keys: ['a', 'zz'],
      },
    );
    expect(notFailed.status).toBe(404);
    const one = await bed.request('POST', '/api/v1/namespaces/default/deadletters/units/crawl/redrive', {
      keys: ['a'],
    });
    expect(one.json).toEqual({ redriven: 1 });
    const again = await bed.request('POST', '/api/v1/namespaces/default/deadletters/units/crawl/redrive', {
      keys: ['a'],
    });
    expect(again.status).toBe(409);
    const unit = await bed.request('GET', '/api/v1/namespaces/default/specs/crawl/units/a');
    expect(unit.json.status).toBe('available');
    const all = await bed.request('POST', '/api/v1/namespaces/default/deadletters/units/crawl/redrive', {
      allFailed: true,
    });
    expect(all.json).toEqual({ redriven: 1 });
    const list = await bed.request('GET', '/api/v1/namespaces/default/deadletters/units');
    expect(list.json.deadLetters).toEqual([]);
  });

  it('is described in /openapi.json', async () => {
    const { json } = await bed.request('GET', '/openapi.json');
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/deadletters/jobs',
        '/api/v1/deadletters/jobs/{id}/redrive',
        '/api/v1/namespaces/{namespace}/deadletters/units/{spec}/{key}',
      ]),
    );
    expect(json.paths['/api/v1/deadletters/jobs/{id}/redrive'].post.responses).toHaveProperty('409');
  });
});
