import { awaitJob, submitJob } from '@passerine/scheduling-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type SchedulingCluster, sleepTask, startSchedulingCluster } from './test-cluster.ts';

describe('a job submitted before any node monitor is live', () => {
  let cluster: SchedulingCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('waits for the first node rather than being refused', async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend({ nodeWaitMs: 10_000 });
    const submitted = submitJob(cluster.nc, cluster.names, { id: 'early', tasks: [sleepTask('t', 1)] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.addNode({ id: 'late', slots: 1 });
    expect((await submitted).status).toBe('accepted');
    expect((await awaitJob(cluster.nc, cluster.names, 'early')).tasks[0].nodeId).toBe('late');
  });

  it('is refused with the reason once the wait is over and no node came', async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend({ nodeWaitMs: 200 });
    await expect(
      submitJob(cluster.nc, cluster.names, { id: 'alone', tasks: [sleepTask('t', 1)] }),
    ).rejects.toMatchObject({ code: 'unavailable', message: 'no node monitor is live to run the job on' });
  });

  it('packs tasks that ask for resources by the heuristic the job names', async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'big', slots: 8, resources: { cpus: 4 } });
    await cluster.addNode({ id: 'small', slots: 8, resources: { cpus: 3 } });
    await cluster.waitForNodes(2);
    const tasks = [sleepTask('t0', 200), sleepTask('t1', 200)].map((t) => ({ ...t, resources: { cpus: 2 } }));
    // Max-rest spreads: each task goes to the roomiest node (big, then small with 3 cpus to big's 2)...
    await submitJob(cluster.nc, cluster.names, { id: 'spread', tasks, packing: { heuristic: 'mr' } });
    const spread = await awaitJob(cluster.nc, cluster.names, 'spread');
    // ...where best-fit-decreasing fills the node it opened first.
    await submitJob(cluster.nc, cluster.names, { id: 'packed', tasks, packing: { heuristic: 'bfd' } });
    const packed = await awaitJob(cluster.nc, cluster.names, 'packed');
    expect(new Set(packed.tasks.map((t) => t.nodeId))).toEqual(new Set(['big']));
    expect(spread.tasks.map((t) => t.nodeId).sort()).toEqual(['big', 'small']);
    await expect(
      submitJob(cluster.nc, cluster.names, { id: 'bad', tasks, packing: { heuristic: 'worst-fit' } }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/^packing\.heuristic/) });
  });
});
