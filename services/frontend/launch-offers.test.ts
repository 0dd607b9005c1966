import { decode, encode } from '@passerine/core';
import { requestRpc } from '@passerine/natsconn';
import { encodePayload } from '@passerine/node-monitor';
import {
  type NodeAdvert,
  openMembershipBucket,
  type ReserveMessage,
  type TaskEndedReport,
} from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { clusterPerDescribe, type SchedulingCluster, sleepTask } from './test-cluster.ts';

/** Counts the getTask calls a frontend is asked (a plain subscriber gets a copy of each). */
function countGetTasks(cluster: SchedulingCluster, frontendId: string) {
  let calls = 0;
  const sub = cluster.nc.subscribe(cluster.names.frontend(frontendId, 'getTask'), {
    callback: () => {
      calls++;
    },
  });
  return { calls: () => calls, stop: () => sub.unsubscribe() };
}

describe('launch offers', () => {
  const clusterNow = clusterPerDescribe({ id: 'fe-offers', replaceAfterMs: 120_000 }, [
    { id: 'n0', slots: 2 },
    { id: 'n1', slots: 2 },
  ]);

  it('start tasks on idle slots with no getTask, recorded as launched there', async () => {
    const cluster = clusterNow();
    const { nc, names } = cluster;
    const getTasks = countGetTasks(cluster, 'fe-offers');
    try {
      await submitJob(nc, names, {
        id: 'on-idle',
        probeRatio: 2,
        tasks: [sleepTask('a', 1), sleepTask('b', 1), sleepTask('c', 1)],
      });
      const result = await awaitJob(nc, names, 'on-idle');
      expect(result.status).toBe('completed');
      expect(result.tasks.map((t) => t.nodeId).every((id) => id === 'n0' || id === 'n1')).toBe(true);
      await nc.flush();
      expect(getTasks.calls()).toBe(0);
      // Every reservation was either launched on arrival or cancelled: none is left queued.
      await waitFor(() => cluster.nodes.every((node) => node.state().queued === 0), {
        message: 'queues empty',
      });
    } finally {
      getTasks.stop();
    }
  });
});

describe('a launch offer declined', () => {
  // The node's advert says "free" for a minute, and nothing re-places within a test.
  const clusterNow = clusterPerDescribe(
    { id: 'fe-declined', replaceAfterMs: 120_000, staleAfterMs: 120_000 },
    [{ id: 'n0', slots: 1, heartbeatMs: 60_000 }],
  );

  it('goes back to late binding, and its queued reservation runs it once the slot frees', async () => {
    const cluster = clusterNow();
    const { nc, names } = cluster;
    const node = cluster.nodes[0];
    // Another frontend's task takes the slot; the advert does not show it.
    const other: ReserveMessage = {
      jobId: 'other',
      frontendId: 'fe-other',
      user: 'u',
      priority: 0,
      count: 1,
      resources: { cpus: 0, memMb: 0, diskMb: 0 },
      offers: [
        {
          jobId: 'other',
          taskId: 't',
          attemptId: 'other-a',
          user: 'u',
          resources: { cpus: 0, memMb: 0, diskMb: 0 },
          payload: encodePayload({ kind: 'sleep', ms: 60_000 }),
        },
      ],
    };
    nc.publish(names.nodeMonitor('n0', 'reserve'), encode(other));
    await waitFor(() => node.state().running === 1, { message: 'the other task running' });

    const getTasks = countGetTasks(cluster, 'fe-declined');
    try {
      await submitJob(nc, names, { id: 'declined', probeRatio: 1, tasks: [sleepTask('t', 1)] });
      await waitFor(() => node.state().queued === 1, { message: 'its reservation queued' });
      expect((await jobStatus(nc, names, 'declined')).tasks[0].status).toBe('pending');
      nc.publish(names.nodeMonitor('n0', 'cancel'), encode({ jobId: 'other', kill: true }));
      const result = await awaitJob(nc, names, 'declined');
      expect(result.status).toBe('completed');
      expect(getTasks.calls()).toBe(1);
    } finally {
      getTasks.stop();
    }
  });
});

describe('a launch offer answered late', () => {
  const clusterNow = clusterPerDescribe({ id: 'fe-late', replaceAfterMs: 300, staleAfterMs: 120_000 }, []);

  it('is stopped when the task was offered again meanwhile, and the newer launch counts', async () => {
    const cluster = clusterNow();
    const { nc, names } = cluster;
    const { reserves, cancels, stop } = await playedNode(cluster, 'slow', true);
    try {
      await submitJob(nc, names, { id: 'late', probeRatio: 1, tasks: [sleepTask('t', 1)] });
      // Unanswered past replaceAfterMs, the offer is given up and the task offered again.
      await waitFor(() => reserves.filter((r) => r.offers?.length).length >= 2, {
        message: 'the task offered twice',
      });
      const [first, second] = reserves.flatMap((r) => r.offers ?? []);
      expect(first.attemptId).not.toBe(second.attemptId);
      const answer = (attemptId: string) =>
        nc.publish(
          names.frontend('fe-late', 'offers'),
          encode({
            jobId: 'late',
            nodeId: 'slow',
            launched: [{ taskId: 't', attemptId }],
            declined: [],
            load: { running: 1, queueLength: 0, slots: 4 },
          }),
        );
      answer(first.attemptId);
      await waitFor(() => cancels.length === 1, { message: 'the late attempt stopped' });
      expect(cancels[0]).toEqual({ jobId: 'late', attemptId: first.attemptId });

      answer(second.attemptId);
      await waitFor(async () => (await jobStatus(nc, names, 'late')).tasks[0].status === 'running', {
        message: 'the second attempt recorded as launched',
      });
      const report: TaskEndedReport = {
        jobId: 'late',
        taskId: 't',
        attemptId: second.attemptId,
        nodeId: 'slow',
        status: 'finished',
        exitCode: 0,
        signal: null,
        startedAt: Date.now(),
        endedAt: Date.now(),
      };
      await requestRpc(nc, names.frontend('fe-late', 'taskEnded'), report, 2_000);
      expect((await awaitJob(nc, names, 'late')).status).toBe('completed');
    } finally {
      stop();
      await cancelJob(nc, names, 'late').catch(() => undefined);
    }
  });

  it('is never sent to a node monitor that does not say it takes offers', async () => {
    const cluster = clusterNow();
    const { nc, names } = cluster;
    const { reserves, stop } = await playedNode(cluster, 'older-version', false);
    try {
      const job = {
        id: 'plain',
        probeRatio: 1,
        tasks: [{ ...sleepTask('t', 1), constraints: { nodes: ['older-version'] } }],
      };
      await submitJob(nc, names, job);
      await waitFor(() => reserves.length === 1, { message: 'a reservation' });
      expect(reserves[0]).toMatchObject({ jobId: 'plain', count: 1 });
      expect(reserves[0].offers).toBeUndefined();
    } finally {
      stop();
      await cancelJob(nc, names, 'plain').catch(() => undefined);
    }
  });
});

/** A node monitor played by the test: it is advertised, and what is sent to it is kept. */
async function playedNode(cluster: SchedulingCluster, id: string, takesOffers: boolean) {
  const { nc, names } = cluster;
  const bucket = await openMembershipBucket(nc, names.nodeBucket);
  const capacity = { cpus: 4, memMb: 4096, diskMb: 4096 };
  const advert: NodeAdvert = {
    id,
    slots: 4,
    freeSlots: 4,
    capacity,
    free: capacity,
    labels: {},
    lastHeartbeat: Date.now(),
    queueLength: 0,
    ...(takesOffers && { takesOffers }),
  };
  const seen = Math.min(...cluster.frontends.map((f) => f.liveNodes));
  await bucket.put(id, encode(advert));
  await cluster.waitForNodes(seen + 1);
  const reserves: ReserveMessage[] = [];
  const cancels: unknown[] = [];
  const subs = [
    nc.subscribe(names.nodeMonitor(id, 'reserve'), {
      callback: (_e, msg) => {
        reserves.push(decode(msg.data));
      },
    }),
    nc.subscribe(names.nodeMonitor(id, 'cancel'), {
      callback: (_e, msg) => {
        cancels.push(decode(msg.data));
      },
    }),
  ];
  return {
    reserves,
    cancels,
    stop: () => {
      for (const sub of subs) sub.unsubscribe();
    },
  };
}
