import { encode } from '@passerine/core';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { fakeFrontend } from './fake-frontend.ts';
import type { NodeMonitor, TaskRunner } from './index.ts';
import { nodeMonitorsPerDescribe, sleep } from './test-node-monitors.ts';

describe('task reports', () => {
  const bed = nodeMonitorsPerDescribe('rep');

  it('ride on the next getTask to their frontend, else go in a batch, and are kept until acknowledged', async () => {
    const monitor = await bed.node({ id: 'carrier', slots: 1 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(5));
    try {
      bed.reserve(monitor.id, { jobId: 'chain', count: 3 });
      await waitFor(() => frontend.reports.length === 3, { message: 'three reports' });
      // The first two ends freed the slot for a queued reservation of the same frontend; the last
      // had none behind it.
      expect(frontend.paths).toEqual(['getTask', 'getTask', 'batch']);
      expect(frontend.reports.map((r) => r.taskId)).toEqual(['t1', 't2', 't3']);
      await waitFor(() => monitor.state().unreported === 0, { message: 'acknowledgements heard' });
    } finally {
      frontend.stop();
    }
  });

  it('still go out when the node stops in the turn its task ended', async () => {
    let monitor: NodeMonitor | undefined;
    const runner: TaskRunner = async () => {
      // Runs before the turn's end, where the report would have been sent.
      setImmediate(() => void monitor?.stop());
      return { status: 'finished', exitCode: 0, signal: null };
    };
    monitor = await bed.node({ id: 'stopping', slots: 1, runner });
    const frontend = fakeFrontend(bed.ctx, () => sleep(1));
    try {
      bed.reserve(monitor.id, { jobId: 'last-words', count: 1 });
      await waitFor(() => frontend.reports.length === 1, { message: 'the report' });
      expect(frontend.paths).toEqual(['batch']);
    } finally {
      frontend.stop();
    }
  });

  it('are sent again as taskEnded requests when nobody acknowledges them', async () => {
    const monitor = await bed.node({ id: 'unheard', slots: 1, reportAckTimeoutMs: 100 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(1), { acknowledges: false });
    try {
      // Acknowledgements that make no sense are dropped, and the node keeps serving.
      bed.nc.publish(bed.ctx.names.nodeMonitor(monitor.id, 'reported'), Uint8Array.of(0xc1));
      bed.nc.publish(bed.ctx.names.nodeMonitor(monitor.id, 'reported'), encode({ attemptIds: 'a1' }));
      bed.reserve(monitor.id, { jobId: 'old-frontend', count: 2 });
      await waitFor(() => frontend.reports.length === 2, { message: 'both reported' });
      expect(frontend.paths).toEqual(['taskEnded', 'taskEnded']);
      expect(frontend.reports.map((r) => r.status)).toEqual(['finished', 'finished']);
      await waitFor(() => monitor.state().unreported === 0, { message: 'nothing left to report' });
    } finally {
      frontend.stop();
    }
  });
});
