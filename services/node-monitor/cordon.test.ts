import { projectRoot, runCli, waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { fakeFrontend } from './fake-frontend.ts';
import { nodeMonitorsPerDescribe, sleep } from './test-node-monitors.ts';

describe('nodes out of service', () => {
  const bed = nodeMonitorsPerDescribe('cordon');
  const cli = (...args: string[]) =>
    runCli(
      ['nodes', ...args, '--nats-url', `nats://${bed.nc.getServer()}`, '--prefix', bed.ctx.names.prefix],
      projectRoot,
    );

  // Each step runs the CLI as a process, seconds each on a busy machine: a longer guard than 60 s.
  it('a cordoned node finishes what it runs and refuses new reservations; drain waits (bounded) and says what is left', async () => {
    const monitor = await bed.node({ id: 'busy', slots: 2 });
    const frontend = fakeFrontend(bed.ctx, (jobId) => (jobId === 'long' ? sleep(120_000) : sleep(1)));
    try {
      bed.reserve(monitor.id, { jobId: 'long' });
      await waitFor(() => monitor.state().running === 1, { message: 'long task running' });

      // Asked again when the CLI did not get to drain at all (code 1: on a starved machine its
      // connection or its start can run out of time); a drain that answers is judged as it answers.
      let early = await cli('drain', 'busy', '--timeout', '0.5');
      for (let i = 0; i < 3 && early.code === 1; i++) early = await cli('drain', 'busy', '--timeout', '0.5');
      expect(early).toMatchObject({
        code: 2,
        stdout: 'node busy cordoned; after 0.5 s 1 task(s) still run there\n',
      });
      const listed = await cli('list', '--json');
      const rows = listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(rows.find((row) => row.id === 'busy')).toMatchObject({ state: 'cordoned', running: 1 });

      // A free slot, yet the reservation is refused back to its frontend, which places it elsewhere.
      await waitFor(() => (monitor as unknown as { cordoned: boolean }).cordoned, { message: 'cordon seen' });
      bed.reserve(monitor.id, { jobId: 'new' });
      await waitFor(() => frontend.offerAnswers.some((a) => a.jobId === 'new' && a.refused === 1), {
        message: 'reservation refused',
      });
      expect(monitor.state()).toMatchObject({ running: 1, queued: 0 });

      // The drain waits for the running task; it ends (stopped here) and the drain is done.
      const draining = cli('drain', 'busy', '--timeout', '60');
      await new Promise((r) => setTimeout(r, 500));
      bed.cancel(monitor.id, { jobId: 'long', kill: true });
      expect(await draining).toMatchObject({ code: 0, stdout: 'node busy drained: no task running\n' });
      expect(frontend.reports.map((r) => r.jobId)).toEqual(['long']);

      expect(await cli('uncordon', 'busy')).toMatchObject({ code: 0, stdout: 'node busy back in service\n' });
      await waitFor(() => !(monitor as unknown as { cordoned: boolean }).cordoned, {
        message: 'cordon lifted',
      });
      bed.reserve(monitor.id, { jobId: 'after' });
      await waitFor(() => frontend.reports.some((r) => r.jobId === 'after'), { message: 'work taken again' });
    } finally {
      frontend.stop();
    }
  }, 150_000);

  it('refuses to cordon or drain a node nobody knows, naming the nodes there are', async () => {
    await bed.node({ id: 'known', slots: 1 });
    const drain = await cli('drain', 'ghost');
    expect(drain.code).toBe(1);
    expect(drain.stderr).toMatch(
      /^passerine: no node monitor 'ghost' is known \(nodes: (busy, )?known\) \(not_found\)/,
    );
    expect((await cli('cordon', 'ghost')).stderr).toMatch(/no node monitor 'ghost' is known/);
    expect((await cli('drain', 'known', '--timeout', '-1')).stderr).toMatch(
      /--timeout must be a number of seconds/,
    );
  });
});
