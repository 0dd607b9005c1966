import { decode, encode } from '@passerine/core';
import {
  MAX_REPORTS_PER_MESSAGE,
  type ReportAck,
  type ReportBatch,
  type TaskEndedReport,
} from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { awaitJob, submitJob } from '@passerine/scheduling-protocol';
import { clusterPerDescribe, sleepTask } from './test-cluster.ts';

const report = (attemptId: string): TaskEndedReport => ({
  jobId: 'no-such-job',
  taskId: 't',
  attemptId,
  nodeId: 'ghost',
  status: 'finished',
  exitCode: 0,
  signal: null,
  startedAt: 1,
  endedAt: 2,
});

describe('task reports at the frontend', () => {
  const cluster = clusterPerDescribe({}, [{ id: 'only', slots: 1 }]);

  it('records ends carried on getTask calls and in batches, with no taskEnded request', async () => {
    const { nc, names, frontends, nodes } = cluster();
    let requests = 0;
    const watch = nc.subscribe(names.frontend(frontends[0].id, 'taskEnded'), {
      callback: () => {
        requests++;
      },
    });
    try {
      const tasks = Array.from({ length: 4 }, (_, i) => sleepTask(`t${i}`, 5));
      await submitJob(nc, names, { id: 'carried', tasks });
      const result = await awaitJob(nc, names, 'carried');
      expect(result).toMatchObject({ status: 'completed', finished: 4 });
      await waitFor(() => nodes[0].state().unreported === 0, { message: 'every report acknowledged' });
      expect(requests).toBe(0);
    } finally {
      watch.unsubscribe();
    }
  });

  it('acknowledges none of a malformed batch and keeps serving', async () => {
    const { nc, names, frontends } = cluster();
    const acknowledged: string[] = [];
    const acks = nc.subscribe(names.nodeMonitor('ghost', 'reported'), {
      callback: (_err, msg) => {
        acknowledged.push(...decode<ReportAck>(msg.data).attemptIds);
      },
    });
    const send = (batch: unknown) => nc.publish(names.frontend(frontends[0].id, 'reports'), encode(batch));
    try {
      nc.publish(names.frontend(frontends[0].id, 'reports'), Uint8Array.of(0xc1));
      send({ nodeId: 'ghost', reports: [report('bad-1'), { ...report('bad-2'), status: 'exploded' }] });
      const tooMany = Array.from({ length: MAX_REPORTS_PER_MESSAGE + 1 }, (_, i) => report(`many-${i}`));
      send({ nodeId: 'ghost', reports: tooMany } satisfies ReportBatch);
      send({ nodeId: 'ghost', reports: [report('good')] } satisfies ReportBatch);
      // Batches are handled in order: once the good one is acknowledged, the others were not.
      await waitFor(() => acknowledged.length > 0, { message: 'the good report acknowledged' });
      expect(acknowledged).toEqual(['good']);
      await submitJob(nc, names, { id: 'after-bad', tasks: [sleepTask('t', 1)] });
      expect(await awaitJob(nc, names, 'after-bad')).toMatchObject({ status: 'completed', finished: 1 });
    } finally {
      acks.unsubscribe();
    }
  });
});
