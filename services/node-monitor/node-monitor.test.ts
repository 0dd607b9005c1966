import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '@passerine/executors';
import { requestRpc } from '@passerine/natsconn';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { fakeFrontend } from './fake-frontend.ts';
import type { LaunchSpec, ReserveMessage } from '@passerine/scheduling-protocol';
import type { NodeMonitor, TaskRunner } from './index.ts';
import { nodeMonitorsPerDescribe, sleep } from './test-node-monitors.ts';

/** A task sent along with a reservation, as a frontend that believes the node idle sends it. */
const offer = (jobId: string, taskId: string, ms: number): LaunchSpec => ({
  jobId,
  taskId,
  attemptId: `${taskId}-a`,
  user: 'u',
  resources: { cpus: 0, memMb: 0, diskMb: 0 },
  ...sleep(ms),
});

describe('node monitor', () => {
  const bed = nodeMonitorsPerDescribe('nm');

  /** Occupies the node's one slot, queues the given reservations behind it, then frees the slot. */
  async function servedOrder(
    monitor: NodeMonitor,
    queued: Array<Partial<ReserveMessage> & { jobId: string }>,
  ) {
    const frontend = fakeFrontend(bed.ctx, (jobId) => (jobId === 'blocker' ? sleep(60_000) : sleep(1)));
    try {
      bed.reserve(monitor.id, { jobId: 'blocker' });
      await waitFor(() => monitor.state().running === 1, { message: 'blocker running' });
      for (const r of queued) bed.reserve(monitor.id, r);
      const units = queued.reduce((sum, r) => sum + (r.count ?? 1), 0);
      await waitFor(() => monitor.state().queued === units, { message: 'reservations queued' });
      bed.cancel(monitor.id, { jobId: 'blocker', kill: true });
      await waitFor(() => frontend.reports.length === units + 1, { message: 'all tasks reported' });
      return frontend.asked.slice(1);
    } finally {
      frontend.stop();
    }
  }

  it('serves strict priorities, lower number first', async () => {
    const monitor = await bed.node({ id: 'prio', slots: 1, policy: 'priority' });
    const order = await servedOrder(monitor, [
      { jobId: 'low-a', priority: 5 },
      { jobId: 'low-b', priority: 5 },
      { jobId: 'high', priority: 1 },
    ]);
    expect(order).toEqual(['high', 'low-a', 'low-b']);
  });

  it('shares a node fairly between users by weight', async () => {
    const monitor = await bed.node({ id: 'fair', slots: 1, policy: 'fair', weights: { alice: 1, bob: 1 } });
    const order = await servedOrder(monitor, [
      { jobId: 'alice-job', user: 'alice', count: 4 },
      { jobId: 'bob-job', user: 'bob', count: 4 },
    ]);
    expect(order.slice(0, 4).filter((j) => j === 'bob-job')).toHaveLength(2);
  });

  it('serves in arrival order under fifo', async () => {
    const monitor = await bed.node({ id: 'fifo', slots: 1 });
    const order = await servedOrder(monitor, [
      { jobId: 'first', priority: 9 },
      { jobId: 'second', priority: 0 },
    ]);
    expect(order).toEqual(['first', 'second']);
  });

  it('never runs more tasks than its slots and resources allow', async () => {
    let now = 0;
    let most = 0;
    const runner: TaskRunner = async () => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 20));
      now--;
      return { status: 'finished', exitCode: 0, signal: null };
    };
    const monitor = await bed.node({ id: 'bounded', slots: 4, resources: { cpus: 2 }, runner });
    const frontend = fakeFrontend(bed.ctx, () => sleep(0));
    bed.reserve(monitor.id, { jobId: 'wide', count: 12, resources: { cpus: 1, memMb: 0, diskMb: 0 } });
    await waitFor(() => frontend.reports.length === 12, { message: '12 reports' });
    frontend.stop();
    expect(most).toBe(2);
    expect(monitor.state().freeSlots).toBe(4);
  });

  it('kills a task that never exits at its timeout and gets its slot back', async () => {
    const monitor = await bed.node({ id: 'timeouts', slots: 2 });
    const frontend = fakeFrontend(bed.ctx, () => ({
      command: { command: 'sleep', args: ['60'], timeoutMs: 200 },
    }));
    bed.reserve(monitor.id, { jobId: 'forever' });
    await waitFor(() => frontend.reports.length === 1, { message: 'timeout reported' });
    frontend.stop();
    expect(frontend.reports[0]).toMatchObject({
      status: 'timeout',
      error: expect.stringMatching(/timed out after 200 ms/),
    });
    await waitFor(() => monitor.state().freeSlots === 2, { message: 'slots back' });
  });

  it('at its timeout kills the whole process group: SIGTERM first, SIGKILL after the grace for what ignores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerine-timeout-'));
    try {
      const monitor = await bed.node({ id: 'group-timeouts', slots: 1 });
      // The parent starts two children of its own and then waits: one stops on SIGTERM (and says
      // so), one ignores it. Killing the parent alone would leave both running.
      const script = [
        `(trap 'echo term > ${dir}/polite; exit 0' TERM; while :; do sleep 0.05; done) &`,
        `echo $! > ${dir}/polite.pid;`,
        `(trap '' TERM HUP; while :; do sleep 0.05; done) &`,
        `echo $! > ${dir}/stubborn.pid;`,
        'wait',
      ].join(' ');
      const frontend = fakeFrontend(bed.ctx, () => ({
        command: { command: 'sh', args: ['-c', script], timeoutMs: 300 },
      }));
      bed.reserve(monitor.id, { jobId: 'forking' });
      await waitFor(() => frontend.reports.length === 1, { message: 'timeout reported', timeoutMs: 15_000 });
      frontend.stop();
      expect(frontend.reports[0]).toMatchObject({ status: 'timeout' });
      const pid = (name: string) => Number(readFileSync(join(dir, `${name}.pid`), 'utf8'));
      await waitFor(() => !processAlive(pid('polite')) && !processAlive(pid('stubborn')), {
        message: 'both children gone',
      });
      expect(readFileSync(join(dir, 'polite'), 'utf8').trim()).toBe('term');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops a reservation whose frontend answers no task or is gone', async () => {
    const monitor = await bed.node({ id: 'dropper', slots: 1, getTaskTimeoutMs: 200 });
    const frontend = fakeFrontend(bed.ctx, () => null);
    bed.reserve(monitor.id, { jobId: 'none' });
    bed.reserve(monitor.id, { jobId: 'ghost', frontendId: 'nobody' });
    await waitFor(() => frontend.asked.length === 1 && monitor.state().queued === 0, {
      message: 'queue drained',
    });
    await waitFor(() => monitor.state().freeSlots === 1, { message: 'slot free' });
    frontend.stop();
  });

  it('launches offered tasks on the slots free as they arrive, declines the rest and queues their reservations', async () => {
    const monitor = await bed.node({ id: 'offered', slots: 2 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(1));
    try {
      const offers = ['t1', 't2', 't3'].map((taskId) => offer('eager', taskId, 300));
      bed.reserve(monitor.id, { jobId: 'eager', count: 4, offers });
      await waitFor(() => frontend.offerAnswers.length === 1, { message: 'offers answered' });
      expect(frontend.offerAnswers[0]).toMatchObject({
        jobId: 'eager',
        nodeId: 'offered',
        launched: [
          { taskId: 't1', attemptId: 't1-a' },
          { taskId: 't2', attemptId: 't2-a' },
        ],
        declined: ['t3'],
      });
      // No getTask for what launched: the two reservations left queue and ask once slots free.
      expect(frontend.asked).toEqual([]);
      expect(monitor.state()).toMatchObject({ running: 2, queued: 2 });
      await waitFor(() => frontend.reports.length === 4, { message: 'all four ran' });
      expect(frontend.asked).toEqual(['eager', 'eager']);
      expect(
        frontend.reports
          .map((r) => r.taskId)
          .slice(0, 2)
          .sort(),
      ).toEqual(['t1', 't2']);
    } finally {
      frontend.stop();
    }
  });

  it('declines offers while a reservation waits there, and takes malformed offers as a plain reservation', async () => {
    const monitor = await bed.node({ id: 'busy-offered', slots: 1 });
    const frontend = fakeFrontend(bed.ctx, (jobId) => (jobId === 'blocker' ? sleep(60_000) : sleep(1)));
    try {
      bed.reserve(monitor.id, { jobId: 'blocker' });
      await waitFor(() => monitor.state().running === 1, { message: 'blocker running' });
      bed.reserve(monitor.id, { jobId: 'late', offers: [offer('late', 'x', 1)] });
      await waitFor(() => frontend.offerAnswers.length === 1, { message: 'offer answered' });
      expect(frontend.offerAnswers[0]).toMatchObject({ launched: [], declined: ['x'] });
      bed.reserve(monitor.id, { jobId: 'odd', offers: [{ ...offer('someone-else', 'y', 1) }] });
      await waitFor(() => monitor.state().queued === 2, { message: 'both reservations queued' });
      expect(frontend.offerAnswers).toHaveLength(1);
    } finally {
      bed.cancel(monitor.id, { jobId: 'blocker', kill: true });
      await waitFor(() => frontend.reports.length === 3, { message: 'queue served' });
      frontend.stop();
    }
  });

  it('refuses reservations its queue has no room for, and tells their frontend', async () => {
    const monitor = await bed.node({ id: 'crowded', slots: 1, maxQueuedReservations: 1 });
    const frontend = fakeFrontend(bed.ctx, (jobId) => (jobId === 'blocker' ? sleep(60_000) : sleep(1)));
    try {
      bed.reserve(monitor.id, { jobId: 'blocker' });
      await waitFor(() => monitor.state().running === 1, { message: 'blocker running' });
      bed.reserve(monitor.id, { jobId: 'fits' });
      bed.reserve(monitor.id, { jobId: 'offered', count: 2, offers: [offer('offered', 'o1', 1)] });
      bed.reserve(monitor.id, { jobId: 'plain' });
      await waitFor(() => frontend.offerAnswers.length === 2, { message: 'two answers' });
      expect(frontend.offerAnswers).toMatchObject([
        { jobId: 'offered', launched: [], declined: ['o1'], refused: 2 },
        { jobId: 'plain', launched: [], declined: [], refused: 1 },
      ]);
      expect(monitor.state().queued).toBe(1);
    } finally {
      bed.cancel(monitor.id, { jobId: 'blocker', kill: true });
      await waitFor(() => frontend.reports.length === 2, { message: 'queue served' });
      frontend.stop();
    }
  });

  it('stops the one attempt a cancel names', async () => {
    const monitor = await bed.node({ id: 'one-attempt', slots: 2 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(60_000));
    try {
      bed.reserve(monitor.id, {
        jobId: 'pair',
        count: 2,
        offers: [offer('pair', 'p1', 60_000), offer('pair', 'p2', 60_000)],
      });
      await waitFor(() => monitor.state().running === 2, { message: 'both running' });
      bed.cancel(monitor.id, { jobId: 'pair', attemptId: 'p2-a' });
      await waitFor(() => frontend.reports.length === 1, { message: 'one stopped' });
      expect(frontend.reports[0]).toMatchObject({ taskId: 'p2', status: 'cancelled' });
      expect(monitor.state().running).toBe(1);
    } finally {
      bed.cancel(monitor.id, { jobId: 'pair', kill: true });
      await waitFor(() => frontend.reports.length === 2, { message: 'both stopped' });
      frontend.stop();
    }
  });

  it("answers a kill asked as a request once the job's runs ended, and starts none of its late tasks", async () => {
    const monitor = await bed.node({ id: 'killed', slots: 2 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(60_000));
    try {
      bed.reserve(monitor.id, { jobId: 'gone', offers: [offer('gone', 'g1', 60_000)] });
      await waitFor(() => monitor.state().running === 1, { message: 'running' });
      const answer = await requestRpc<{ stopped: number }>(
        bed.ctx.nc,
        bed.ctx.names.nodeMonitor(monitor.id, 'cancel'),
        { jobId: 'gone', kill: true },
        10_000,
      );
      expect(answer).toEqual({ stopped: 1 });
      expect(monitor.state().running).toBe(0);
      // A task of the stopped job delivered after the stop (a getTask answered before it) is
      // reported cancelled, not run: the short sleep would otherwise have finished.
      bed.reserve(monitor.id, { jobId: 'gone', offers: [offer('gone', 'g2', 1)] });
      await waitFor(() => frontend.reports.length === 2, { message: 'both reported' });
      expect(frontend.reports.find((r) => r.taskId === 'g2')).toMatchObject({
        status: 'cancelled',
        error: 'cancelled before start',
      });
    } finally {
      frontend.stop();
    }
  });

  it("stops, for an adopter, the job's runs but those it keeps, and answers once they ended", async () => {
    const monitor = await bed.node({ id: 'adopted', slots: 3 });
    const frontend = fakeFrontend(bed.ctx, () => sleep(60_000));
    try {
      bed.reserve(monitor.id, {
        jobId: 'orphan',
        count: 2,
        offers: [offer('orphan', 'o1', 60_000), offer('orphan', 'o2', 60_000)],
      });
      bed.reserve(monitor.id, { jobId: 'other', offers: [offer('other', 'x1', 60_000)] });
      await waitFor(() => monitor.state().running === 3, { message: 'all three running' });
      const answer = await requestRpc<{ stopped: number }>(
        bed.ctx.nc,
        bed.ctx.names.nodeMonitor(monitor.id, 'cancel'),
        { jobId: 'orphan', keepAttempts: ['o1-a'] },
        10_000,
      );
      // Answered once the unkept run had ended; the kept one and the other job's go on.
      expect(answer).toEqual({ stopped: 1 });
      await waitFor(() => frontend.reports.length === 1, { message: 'the unkept run reported' });
      expect(frontend.reports[0]).toMatchObject({ taskId: 'o2', status: 'cancelled' });
      expect(monitor.state().running).toBe(2);
      await expect(
        requestRpc(bed.ctx.nc, bed.ctx.names.nodeMonitor(monitor.id, 'cancel'), {
          jobId: 'orphan',
          keepAttempts: 'o1-a',
        }),
      ).rejects.toThrow(/keepAttempts must be a list of attempt ids/);
      expect(monitor.state().running).toBe(2);
    } finally {
      bed.cancel(monitor.id, { jobId: 'orphan', kill: true });
      bed.cancel(monitor.id, { jobId: 'other', kill: true });
      await waitFor(() => frontend.reports.length === 3, { message: 'all stopped' });
      frontend.stop();
    }
  });

  it('hands opaque payloads to an external worker on its task subject', async () => {
    const { serveExternalWorker } = await import('./index.ts');
    const monitor = await bed.node({ id: 'with-worker', slots: 1 });
    const worker = serveExternalWorker(bed.nc, bed.ctx.names.workerTasks('with-worker'), (task) => ({
      exitCode: 0,
      output: [`did ${new TextDecoder().decode(task.payload)}`],
    }));
    const frontend = fakeFrontend(bed.ctx, () => ({ payload: new TextEncoder().encode('job-x') }));
    bed.reserve(monitor.id, { jobId: 'external' });
    await waitFor(() => frontend.reports.length === 1, { message: 'worker result' });
    expect(frontend.reports[0]).toMatchObject({ status: 'finished', exitCode: 0 });
    worker.stop();
    frontend.stop();
  });

  it('fails a task at once, naming the subject, when no external worker listens', async () => {
    const monitor = await bed.node({ id: 'no-worker', slots: 1 });
    const frontend = fakeFrontend(bed.ctx, () => ({ payload: new TextEncoder().encode('job-y') }));
    bed.reserve(monitor.id, { jobId: 'unserved' });
    await waitFor(() => frontend.reports.length === 1, { message: 'task report' });
    expect(frontend.reports[0]).toMatchObject({ status: 'failed' });
    expect(frontend.reports[0].error).toContain(
      `no external worker serves ${bed.ctx.names.workerTasks('no-worker')}`,
    );
    expect(monitor.state().freeSlots).toBe(1);
    frontend.stop();
  });
});
