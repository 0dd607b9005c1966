import { encode } from '@passerine/core';
import { awaitJob, encodePayload, openMembershipBucket, submitJob } from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperationsBed } from './test-operations.ts';

let bed: Awaited<ReturnType<typeof startOperationsBed>>;

const sleeping = (ms: number, count = 1) =>
  Array.from({ length: count }, (_, i) => ({ id: `t${i}`, payload: encodePayload({ kind: 'sleep', ms }) }));

beforeAll(async () => {
  bed = await startOperationsBed();
  // Two frontends: each knows only the jobs it schedules, and the answer merges both.
  await bed.cluster.addFrontend();
  await bed.cluster.waitForNodes(1);
  const { nc, names } = bed.cluster;
  await submitJob(nc, names, { id: 'short', tasks: sleeping(10) });
  await awaitJob(nc, names, 'short');
  for (const id of ['run-1', 'run-2', 'run-3']) {
    await submitJob(nc, names, { id, user: 'ana', tasks: sleeping(60_000, id === 'run-3' ? 6 : 1) });
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

afterAll(() => bed?.close());

describe('running jobs over HTTP', () => {
  it('lists the jobs running now across the frontends, newest first, a bounded page at a time', async () => {
    const all = await bed.request('GET', '/api/v1/jobs');
    expect(all.status).toBe(200);
    expect(all.json.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['run-3', 'run-2', 'run-1']);
    expect(all.json).toMatchObject({ total: 3, next: null, unanswered: [] });
    expect(all.json.jobs[0]).toMatchObject({ user: 'ana', tasks: 6, finished: 0, failed: 0 });
    // Its tasks are counted where they stand: some launched on the node's free slots, the rest pending.
    const newest = async () => (await bed.request('GET', '/api/v1/jobs?limit=1')).json.jobs[0];
    await waitFor(async () => (await newest()).running > 0, { message: 'a task of run-3 running' });
    expect((await newest()).running + (await newest()).pending).toBe(6);

    const first = await bed.request('GET', '/api/v1/jobs?limit=2');
    expect(first.json.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['run-3', 'run-2']);
    expect(first.json.next).toMatch(/^\d+:run-2$/);
    const second = await bed.request(
      'GET',
      `/api/v1/jobs?limit=2&before=${encodeURIComponent(first.json.next)}`,
    );
    expect(second.json.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['run-1']);
    expect(second.json.next).toBeNull();
  });

  it('leaves out a job once it ends', async () => {
    const cancelled = await bed.request('POST', '/api/v1/jobs/run-2/cancel', {});
    expect(cancelled.status).toBe(200);
    const after = await bed.request('GET', '/api/v1/jobs');
    expect(after.json.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['run-3', 'run-1']);
  });

  it('says which advertised frontend did not answer, and lists the jobs of those that did', async () => {
    const bucket = await openMembershipBucket(bed.cluster.nc, bed.cluster.names.frontendBucket);
    await bucket.put('ghost', encode({ id: 'ghost', lastHeartbeat: Date.now() }));
    const answer = await bed.request('GET', '/api/v1/jobs');
    expect(answer.json).toMatchObject({ total: 2, unanswered: ['ghost'] });
    await bucket.delete('ghost');
  });

  it('refuses a malformed page request, naming the field', async () => {
    expect((await bed.request('GET', '/api/v1/jobs?limit=101')).json.error.field).toBe('query.limit');
    expect((await bed.request('GET', '/api/v1/jobs?before=yesterday')).json.error.field).toBe('query.before');
    expect((await bed.request('GET', '/api/v1/jobs?status=running')).json.error.field).toBe('query.status');
  });
});
