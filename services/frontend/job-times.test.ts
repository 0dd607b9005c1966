import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingCluster, sleepTask, startSchedulingCluster } from './test-cluster.ts';

describe('delayed and expiring jobs (real nats-server, two frontends)', () => {
  let cluster: SchedulingCluster;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 1 });
    await cluster.waitForNodes(1);
  });
  afterAll(() => cluster?.stop());

  it('holds a job with a not-before as waiting and places it at its time', async () => {
    const { nc, names } = cluster;
    const notBefore = Date.now() + 1_500;
    const reply = await submitJob(nc, names, { id: 'later', notBefore, tasks: [sleepTask('t', 10)] });
    expect(reply).toMatchObject({ jobId: 'later', status: 'waiting' });
    const waiting = await jobStatus(nc, names, 'later');
    expect(waiting).toMatchObject({ status: 'waiting', notBefore, tasks: [{ id: 't', status: 'pending' }] });
    const result = await awaitJob(nc, names, 'later');
    expect(result.status).toBe('completed');
    expect(result.tasks[0]!.startedAt).toBeGreaterThanOrEqual(notBefore);
  });

  it('cancels a waiting job, and runs a not-before in the past now', async () => {
    const { nc, names } = cluster;
    await submitJob(nc, names, { id: 'never', notBefore: Date.now() + 60_000, tasks: [sleepTask('t', 10)] });
    const cancelled = await cancelJob(nc, names, 'never', 'not wanted');
    expect(cancelled).toMatchObject({ status: 'cancelled', tasks: [{ status: 'cancelled' }] });
    const past = await submitJob(nc, names, {
      id: 'past',
      notBefore: Date.now() - 60_000,
      tasks: [sleepTask('t', 10)],
    });
    expect(past.status).toBe('accepted');
    expect((await awaitJob(nc, names, 'past')).finished).toBe(1);
  });

  it('records tasks not started within the time to live as expired, with the reason', async () => {
    const { nc, names } = cluster;
    // The one slot is busy for longer than the second job's time to live.
    await submitJob(nc, names, { id: 'busy', tasks: [sleepTask('t', 2_000)] });
    await waitFor(async () => (await jobStatus(nc, names, 'busy')).tasks[0]?.status === 'running', {
      message: 'the busy task to start',
    });
    const reply = await submitJob(nc, names, {
      id: 'short-lived',
      ttlMs: 400,
      tasks: [sleepTask('a', 10), sleepTask('b', 10)],
    });
    expect(reply.status).toBe('accepted');
    const result = await awaitJob(nc, names, 'short-lived');
    expect(result).toMatchObject({ status: 'completed', finished: 0, failed: 0, expired: 2 });
    for (const task of result.tasks) {
      expect(task.status).toBe('expired');
      expect(task.error).toMatch(/^expired: not started within its time to live \(until .*\)$/);
      expect(task.attempts).toBe(0);
    }
    expect((await awaitJob(nc, names, 'busy')).finished).toBe(1);
  });

  it('refuses at submit a time to live already passed or ending before the not-before', async () => {
    const { nc, names } = cluster;
    await expect(
      submitJob(nc, names, { id: 'gone', expiresAt: Date.now() - 1, tasks: [sleepTask('t', 1)] }),
    ).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/expiresAt .* has already passed/),
    });
    await expect(
      submitJob(nc, names, {
        id: 'gone2',
        notBefore: Date.now() + 5_000,
        ttlMs: 1_000,
        tasks: [sleepTask('t', 1)],
      }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/never run/) });
    await expect(jobStatus(nc, names, 'gone')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps a waiting job waiting through the loss of its frontend: the adopter places it at its time', async () => {
    const { nc, names } = cluster;
    const notBefore = Date.now() + 4_000;
    await submitJob(nc, names, { id: 'adopted-later', notBefore, tasks: [sleepTask('t', 10)] });
    const owner = (await jobStatus(nc, names, 'adopted-later')).frontendId;
    const index = cluster.frontends.findIndex((f) => f.id === owner);
    const [gone] = cluster.frontends.splice(index, 1);
    await gone!.stop();
    await waitFor(async () => (await jobStatus(nc, names, 'adopted-later')).frontendId !== owner, {
      message: 'the waiting job to be adopted',
    });
    expect((await jobStatus(nc, names, 'adopted-later')).status).toBe('waiting');
    const result = await awaitJob(nc, names, 'adopted-later');
    expect(result.status).toBe('completed');
    expect(result.tasks[0]!.startedAt).toBeGreaterThanOrEqual(notBefore);
  });
});
