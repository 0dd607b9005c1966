import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { clusterPerDescribe, sleepTask } from './test-cluster.ts';

/** A job of one task that may run only on `nodeId`. */
const pinned = (id: string, nodeId: string, ms: number) => ({
  id,
  tasks: [{ ...sleepTask('t', ms), constraints: { nodes: [nodeId] } }],
});

/** A frontend that lends at once and never re-places within a test, and two nodes of one slot. */
const twoOneSlotNodes = () =>
  clusterPerDescribe({ lendAfterMs: 0, replaceAfterMs: 120_000 }, [
    { id: 'n0', slots: 1 },
    { id: 'n1', slots: 1 },
  ]);

describe('a surplus reservation', () => {
  // Re-placement far away: the waiting job can only run on a lent slot. A queue of two units: a job
  // probing three times is turned away whole.
  const clusterNow = clusterPerDescribe({ lendAfterMs: 0, replaceAfterMs: 120_000 }, [
    { id: 'n0', slots: 2, maxQueuedReservations: 2 },
  ]);

  it('lends its slot to the oldest job still waiting for slots', async () => {
    const { nc, names, nodes } = clusterNow();
    const node = nodes[0];
    await submitJob(nc, names, {
      id: 'busy',
      probeRatio: 1,
      tasks: [sleepTask('a', 60_000), sleepTask('b', 60_000)],
    });
    await waitFor(() => node.state().running === 2, { message: 'both slots busy' });

    await submitJob(nc, names, { id: 'waiting', probeRatio: 3, tasks: [sleepTask('t', 1)] });
    await cancelJob(nc, names, 'busy');
    await waitFor(() => node.state().freeSlots === 2 && node.state().queued === 0, {
      message: 'both slots free, nothing queued',
    });

    // Both reservations reach a free slot at once: one gets the task, the other has none left.
    await submitJob(nc, names, { id: 'surplus', probeRatio: 2, tasks: [sleepTask('t', 1)] });
    expect((await awaitJob(nc, names, 'surplus')).status).toBe('completed');
    await waitFor(async () => (await jobStatus(nc, names, 'waiting')).status === 'completed', {
      message: 'the waiting job to run on the lent slot',
    });
    const waiting = await jobStatus(nc, names, 'waiting');
    expect(waiting.tasks[0].nodeId).toBe('n0');
  });
});

describe('a reservation of a younger job', () => {
  const clusterNow = twoOneSlotNodes();

  it('serves an older job still waiting for a slot first, and the younger job runs after it', async () => {
    const { nc, names, nodes } = clusterNow();
    await submitJob(nc, names, pinned('busy-n0', 'n0', 60_000));
    await submitJob(nc, names, pinned('busy-n1', 'n1', 60_000));
    await waitFor(() => nodes.every((node) => node.state().running === 1), { message: 'both nodes busy' });

    await submitJob(nc, names, { id: 'old', probeRatio: 1, tasks: [sleepTask('t', 1)] });
    await waitFor(() => nodes.some((node) => node.state().queued === 1), { message: "old's probe queued" });
    const [behind, freed] = nodes[0].state().queued === 1 ? ['n0', 'n1'] : ['n1', 'n0'];
    await cancelJob(nc, names, `busy-${freed}`);
    await waitFor(() => nodes.every((node) => node.state().running === (node.id === freed ? 0 : 1)), {
      message: `${freed} free`,
    });

    // The younger job's probe goes to the free node (the lighter one): its slot serves the older job.
    await submitJob(nc, names, { id: 'young', probeRatio: 1, tasks: [sleepTask('t', 1)] });
    const old = await awaitJob(nc, names, 'old');
    expect(old.status).toBe('completed');
    expect(old.tasks[0].nodeId).toBe(freed);

    await cancelJob(nc, names, `busy-${behind}`);
    expect((await awaitJob(nc, names, 'young')).status).toBe('completed');
  });
});

describe('a slot left idle', () => {
  const clusterNow = twoOneSlotNodes();

  it('pulls the task of a job whose reservation waits behind a busy node elsewhere', async () => {
    const { nc, names, nodes } = clusterNow();
    await submitJob(nc, names, pinned('busy', 'n0', 60_000));
    await submitJob(nc, names, pinned('first', 'n1', 300));
    await submitJob(nc, names, pinned('second', 'n1', 1));
    await waitFor(() => nodes[0].state().running === 1 && nodes[1].state().queued === 1, {
      message: 'n0 busy; n1 busy with one queued behind',
    });

    // n1 looks heavier (a task running, one queued): the job's one probe goes to n0, behind `busy`.
    await submitJob(nc, names, { id: 'waiting', probeRatio: 1, tasks: [sleepTask('t', 1)] });
    await waitFor(() => nodes[0].state().queued === 1, { message: "the job's probe queued at n0" });

    // Once n1 has run both of its jobs it reports a free slot with nothing queued, and pulls.
    const waiting = await awaitJob(nc, names, 'waiting');
    expect(waiting.status).toBe('completed');
    expect(waiting.tasks[0].nodeId).toBe('n1');
    expect(nodes[0].state().running).toBe(1);
  });
});
