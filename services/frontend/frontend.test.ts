import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { type SchedulingCluster, sleepTask, startSchedulingCluster } from './test-cluster.ts';

describe('frontend with node monitors', () => {
  let cluster: SchedulingCluster;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    for (let i = 0; i < 4; i++)
      await cluster.addNode({ id: `n${i}`, slots: 2, labels: { zone: i < 2 ? 'a' : 'b' } });
    await cluster.waitForNodes(4);
  });
  afterAll(() => cluster?.stop());

  it('runs a job on several node monitors and tells the submitter', async () => {
    const tasks = Array.from({ length: 8 }, (_, i) => sleepTask(`t${i}`, 50));
    const reply = await submitJob(cluster.nc, cluster.names, { id: 'job-1', tasks });
    expect(reply.status).toBe('accepted');
    const result = await awaitJob(cluster.nc, cluster.names, 'job-1');
    expect(result.status).toBe('completed');
    expect(result.finished).toBe(8);
    expect(new Set(result.tasks.map((t) => t.nodeId)).size).toBeGreaterThan(1);
    for (const task of result.tasks) expect(task.startedAt).toBeGreaterThan(0);
  });

  it('answers a job without tasks at once', async () => {
    const reply = await submitJob(cluster.nc, cluster.names, { id: 'empty-1' });
    expect(reply).toMatchObject({ status: 'completed', result: { status: 'completed', finished: 0 } });
  });

  it('rejects impossible constraints with the reason', async () => {
    await expect(
      submitJob(cluster.nc, cluster.names, {
        id: 'bad-1',
        labels: { zone: 'mars' },
        tasks: [sleepTask('t', 1)],
      }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/labels/) });
    await expect(
      submitJob(cluster.nc, cluster.names, {
        id: 'bad-2',
        tasks: [{ ...sleepTask('t', 1), constraints: { nodes: ['nowhere'] } }],
      }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/constraints\.nodes/) });
    await expect(
      submitJob(cluster.nc, cluster.names, { id: 'bad-3', tasks: [{ id: 't' }] }),
    ).rejects.toMatchObject({
      code: 'validation',
    });
  });

  it('refuses a job id used before', async () => {
    await submitJob(cluster.nc, cluster.names, { id: 'once' });
    await expect(
      submitJob(cluster.nc, cluster.names, { id: 'once', tasks: [sleepTask('t', 1)] }),
    ).rejects.toMatchObject({ code: 'illegal_state', message: expect.stringMatching(/already exists/) });
  });

  it('keeps a task on the nodes its constraints allow', async () => {
    await submitJob(cluster.nc, cluster.names, {
      id: 'pinned',
      labels: { zone: 'b' },
      tasks: [{ ...sleepTask('t0', 5), constraints: { nodes: ['n3'] } }, sleepTask('t1', 5)],
    });
    const result = await awaitJob(cluster.nc, cluster.names, 'pinned');
    expect(result.tasks.find((t) => t.id === 't0')?.nodeId).toBe('n3');
    expect(['n2', 'n3']).toContain(result.tasks.find((t) => t.id === 't1')?.nodeId);
  });

  it('reports a command that is not found as failed, with the reason', async () => {
    await submitJob(cluster.nc, cluster.names, {
      id: 'missing-cmd',
      tasks: [{ id: 't', command: { command: 'passerine-no-such-command-xyz' } }],
    });
    const result = await awaitJob(cluster.nc, cluster.names, 'missing-cmd');
    expect(result).toMatchObject({ status: 'completed', failed: 1 });
    expect(result.tasks[0].error).toMatch(/command not found/);
  });

  it('cancels a job, stopping its running tasks', async () => {
    await submitJob(cluster.nc, cluster.names, {
      id: 'long',
      tasks: [sleepTask('t0', 60_000), sleepTask('t1', 60_000)],
    });
    await waitFor(async () =>
      (await jobStatus(cluster.nc, cluster.names, 'long')).tasks.every((t) => t.status === 'running'),
    );
    const result = await cancelJob(cluster.nc, cluster.names, 'long', 'no longer needed');
    expect(result).toMatchObject({ status: 'cancelled', reason: 'no longer needed' });
    await waitFor(() => cluster.nodes.every((node) => node.state().running === 0), {
      message: 'tasks stopped',
    });
    expect((await jobStatus(cluster.nc, cluster.names, 'long')).status).toBe('cancelled');
  });
});
