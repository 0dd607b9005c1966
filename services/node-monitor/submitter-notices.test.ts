import { createInbox } from '@nats-io/transport-node';
import { decode, encode } from '@passerine/core';
import {
  encodePayload,
  type LaunchSpec,
  TASK_LIMITS,
  type TaskNotice,
  type TaskOutcome,
} from '@passerine/scheduling-protocol';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import { nodeMonitorsPerDescribe } from './test-node-monitors.ts';

describe("notices to a task's submitter", () => {
  const bed = nodeMonitorsPerDescribe('notices');

  /** Launches one task as an offer, and collects the notices its reply subject gets. */
  async function run(task: Partial<LaunchSpec>, starts = false): Promise<TaskNotice[]> {
    const monitor = await bed.node({ slots: 1 });
    const subject = createInbox();
    const notices: TaskNotice[] = [];
    const sub = bed.nc.subscribe(subject, {
      callback: (_e, msg) => {
        notices.push(...decode<TaskNotice[]>(msg.data));
      },
    });
    await bed.nc.flush();
    const jobId = `j-${Math.random().toString(36).slice(2)}`;
    const offer: LaunchSpec = {
      jobId,
      taskId: 't0',
      attemptId: 'a0',
      user: 'u',
      resources: { cpus: 0, memMb: 0, diskMb: 0 },
      reply: { subject, ...(starts && { starts: true }) },
      ...task,
    };
    bed.reserve(monitor.id, { jobId, offers: [offer] });
    await waitFor(() => notices.some((n) => n.type === 'ended'), { message: 'outcome' });
    sub.unsubscribe();
    return notices;
  }

  const ended = (notices: TaskNotice[]) => notices.find((n) => n.type === 'ended') as TaskOutcome;

  it("sends a command's exit code and its output as written", async () => {
    const outcome = ended(
      await run({ command: { command: '/bin/sh', args: ['-c', 'printf "a\\nb"; echo oops >&2; exit 3'] } }),
    );
    expect(outcome).toMatchObject({
      jobId: expect.any(String),
      taskId: 't0',
      attemptId: 'a0',
      status: 'failed',
      exitCode: 3,
      stdout: 'a\nb',
      stderr: 'oops\n',
    });
    expect(outcome.stdoutTruncated).toBeUndefined();
  });

  it('cuts output past the limit and says so', async () => {
    const bytes = TASK_LIMITS.maxCapturedBytes + 10;
    const outcome = ended(
      await run({ command: { command: '/bin/sh', args: ['-c', `head -c ${bytes} /dev/zero | tr '\\0' x`] } }),
    );
    expect(outcome.status).toBe('finished');
    expect(outcome.stdout).toHaveLength(TASK_LIMITS.maxCapturedBytes);
    expect(outcome.stdoutTruncated).toBe(true);
  });

  it("sends a function's start when asked, then its msgpack result and console lines", async () => {
    const payload = encodePayload({
      kind: 'call',
      fn: { source: '(n) => { console.log("got", n); return { doubled: n * 2 }; }' },
      args: encode([21]),
    });
    const notices = await run({ payload }, true);
    expect(notices.map((n) => n.type)).toEqual(['started', 'ended']);
    const outcome = ended(notices);
    expect(decode(outcome.value!)).toEqual({ doubled: 42 });
    expect(outcome.stdout).toBe('got 21\n');
  });

  it("sends a function's error with its remote stack, and what could not be set up as such", async () => {
    const thrown = ended(
      await run({
        payload: encodePayload({
          kind: 'call',
          fn: { source: 'function boom() { throw new TypeError("no") }' },
          args: encode([]),
        }),
      }),
    );
    expect(thrown).toMatchObject({ status: 'failed', error: 'TypeError: no', errorName: 'TypeError' });
    expect(thrown.remoteStack).toMatch(/at boom/);
    const missing = ended(
      await run({
        payload: encodePayload({
          kind: 'call',
          fn: { modulePath: '/nowhere/x.js', exportName: 'f' },
          args: encode([]),
        }),
      }),
    );
    expect(missing).toMatchObject({ status: 'failed', setup: true });
  });
});
