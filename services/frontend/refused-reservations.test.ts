import { decode, encode } from '@passerine/core';
import type { OfferAnswer, ReserveMessage } from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { awaitJob, cancelJob, submitJob } from '@passerine/scheduling-protocol';
import { clusterPerDescribe, sleepTask } from './test-cluster.ts';

describe('reservations a node refuses', () => {
  const cluster = clusterPerDescribe(
    {},
    ['a', 'b', 'c'].map((id) => ({ id, slots: 1 })),
  );

  it('are made again at another node at once, not at the re-placement tick', async () => {
    const { nc, names, frontends, nodes } = cluster();
    const sent: Array<{ nodeId: string; reservation: ReserveMessage }> = [];
    const watches = nodes.map((node) =>
      nc.subscribe(names.nodeMonitor(node.id, 'reserve'), {
        callback: (_err, msg) => {
          const reservation = decode<ReserveMessage>(msg.data);
          if (reservation.jobId === 'squeezed') sent.push({ nodeId: node.id, reservation });
        },
      }),
    );
    try {
      await submitJob(nc, names, { id: 'hog', tasks: ['x', 'y', 'z'].map((id) => sleepTask(id, 60_000)) });
      await waitFor(() => nodes.every((node) => node.state().running === 1), { message: 'every slot busy' });
      await submitJob(nc, names, { id: 'squeezed', tasks: [sleepTask('t', 10)] });
      await waitFor(() => sent.length >= 2, { message: 'both probes sent' });
      const probed = sent.map((s) => s.nodeId);
      // Every node the job probed says its queue was full.
      for (const { nodeId, reservation } of [...sent]) {
        const answer: OfferAnswer = {
          jobId: 'squeezed',
          nodeId,
          launched: [],
          declined: [],
          refused: reservation.count,
          load: { queueLength: 100_000, running: 1, slots: 1 },
        };
        nc.publish(names.frontend(frontends[0].id, 'offers'), encode(answer));
      }
      await waitFor(() => sent.length === probed.length + 1, {
        timeoutMs: 2_000,
        message: 'one more reservation',
      });
      expect(sent.at(-1)!.nodeId).not.toBe(probed.at(-1));
      await cancelJob(nc, names, 'hog');
      expect(await awaitJob(nc, names, 'squeezed')).toMatchObject({ status: 'completed', finished: 1 });
    } finally {
      for (const watch of watches) watch.unsubscribe();
    }
  });
});
