import { encodePayload } from '@passerine/node-monitor';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { TaskResult } from '@passerine/scheduling';
import { type SchedulingCluster, startSchedulingCluster } from './test-cluster.ts';

const MEMORY: Record<string, number> = { big: 4096, small: 1024 };

const task = (id: string, memMb: number, ms = 150) => ({
  id,
  payload: encodePayload({ kind: 'sleep', ms }),
  resources: { memMb },
});

/** The most memory the tasks of a node ever held at once, from their start and end records. */
function peakMemory(tasks: readonly TaskResult[], memoryOf: (taskId: string) => number): number {
  const changes = tasks.flatMap((t) => [
    { at: t.startedAt!, delta: memoryOf(t.id) },
    { at: t.endedAt!, delta: -memoryOf(t.id) },
  ]);
  // A slot freed and taken in the same millisecond: the end counts first.
  changes.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let held = 0;
  let peak = 0;
  for (const { delta } of changes) {
    held += delta;
    peak = Math.max(peak, held);
  }
  return peak;
}

describe('tasks asking for resources', () => {
  let cluster: SchedulingCluster;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    // A short re-placement period, so tasks that found no room are tried again soon.
    await cluster.addFrontend({ replaceAfterMs: 400 });
    for (const [id, memMb] of Object.entries(MEMORY))
      await cluster.addNode({ id, slots: 4, resources: { memMb } });
    await cluster.waitForNodes(2);
  });
  afterAll(() => cluster?.stop());

  it('are packed onto nodes with room, wait while none has any, and never overcommit a node', async () => {
    const memory = new Map<string, number>();
    const tasks = [];
    for (let i = 0; i < 5; i++) tasks.push(task(`large${i}`, 2048), task(`small${i}`, 512));
    for (const t of tasks) memory.set(t.id, t.resources.memMb);
    await submitJob(cluster.nc, cluster.names, { id: 'packed', tasks });
    const result = await awaitJob(cluster.nc, cluster.names, 'packed');

    expect(result).toMatchObject({ status: 'completed', finished: 10, failed: 0 });
    for (const t of result.tasks) if (t.id.startsWith('large')) expect(t.nodeId).toBe('big');
    expect(result.tasks.some((t) => t.nodeId === 'small')).toBe(true);
    for (const [nodeId, capacity] of Object.entries(MEMORY)) {
      const ran = result.tasks.filter((t) => t.nodeId === nodeId);
      expect(peakMemory(ran, (id) => memory.get(id)!)).toBeLessThanOrEqual(capacity);
    }
    await waitFor(() => cluster.nodes.every((node) => node.state().freeSlots === 4), {
      message: 'every slot back',
    });
  });

  it('are refused when larger than every node', async () => {
    await expect(
      submitJob(cluster.nc, cluster.names, { id: 'too-large', tasks: [task('t', 8192)] }),
    ).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/resources/) });
  });
});

describe('a task waiting for room', () => {
  let cluster: SchedulingCluster;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    // No re-placement tick within the test: only a node joining can place the waiting task.
    await cluster.addFrontend({ replaceAfterMs: 60_000 });
    await cluster.addNode({ id: 'first', slots: 4, resources: { memMb: 4096 } });
    await cluster.waitForNodes(1);
  });
  afterAll(() => cluster?.stop());

  it('is placed as soon as a node with room joins', async () => {
    await submitJob(cluster.nc, cluster.names, { id: 'hold', tasks: [task('hold', 4096, 30_000)] });
    await waitFor(
      async () => (await jobStatus(cluster.nc, cluster.names, 'hold')).tasks[0].status === 'running',
      {
        message: 'the first node is full',
      },
    );
    await submitJob(cluster.nc, cluster.names, { id: 'next', tasks: [task('next', 4096)] });
    await cluster.addNode({ id: 'second', slots: 4, resources: { memMb: 4096 } });

    const result = await awaitJob(cluster.nc, cluster.names, 'next', 5_000);
    expect(result).toMatchObject({ status: 'completed', finished: 1 });
    expect(result.tasks[0].nodeId).toBe('second');
    await cancelJob(cluster.nc, cluster.names, 'hold');
  });
});
