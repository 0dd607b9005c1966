import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PasserineClient, TaskError } from '@passerine/client';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Ran = { stdout: string };

describe('idempotency keys, not-before and time to live in @passerine/client (two frontends)', () => {
  let cluster: SchedulingCluster;
  let client: PasserineClient;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerine-client-times-'));
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 1 });
    await cluster.waitForNodes(1);
    client = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
    await waitFor(() => client.nodes().length === 1, { message: 'the client to see the node' });
  });
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a submit repeated under one key once, and both futures get its result', async () => {
    const ex = client.executor();
    const marker = join(dir, 'ran');
    const task = { command: `echo once >> ${marker}; echo done`, idempotencyKey: 'client-once' };
    const first = ex.submit(task);
    const again = ex.submit(task);
    const [a, b] = (await Promise.all([first.result(60_000), again.result(60_000)])) as Ran[];
    expect(a!.stdout).toBe('done\n');
    expect(b!.stdout).toBe('done\n');
    expect(first.id).toBe(again.id);
    expect(readFileSync(marker, 'utf8')).toBe('once\n');
    await expect(
      ex.submit({ command: 'echo other', idempotencyKey: 'client-once' }).result(60_000),
    ).rejects.toThrow(/idempotency key 'client-once' was first used .* with other content; refused/);
  });

  it('gives another client repeating the submit the first job; its value went to the first client', async () => {
    const task = { command: 'echo first', idempotencyKey: 'client-across' };
    const first = client.executor().submit(task);
    await first.result(60_000);
    const other = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
    try {
      const repeat = other.executor().submit(task);
      const error = await repeat.result(60_000).catch((err: unknown) => err);
      expect(repeat.id).toBe(first.id);
      expect(error).toMatchObject({
        state: 'lost',
        message: expect.stringMatching(/finished on n0, but its outcome did not arrive/),
      });
    } finally {
      await other.close();
    }
  });

  it('places the tasks of an executor with notBefore no earlier than it', async () => {
    const notBefore = new Date(Date.now() + 1_500);
    const ex = client.executor({ notBefore });
    const ran = (await ex.submit({ command: 'date +%s%3N' }).result(60_000)) as Ran;
    expect(Number(ran.stdout.trim())).toBeGreaterThanOrEqual(notBefore.getTime());
  });

  it('fails a task not started within the executor ttlMs as expired, with the reason', async () => {
    const busy = client.executor().submit({ command: 'sleep 2' });
    await waitFor(() => busy.status === 'running', { message: 'the one slot to be taken' });
    const late = client.executor({ ttlMs: 300 }).submit({ command: 'echo never' });
    const error = await late.result(60_000).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).message).toMatch(/failed: expired: not started within its time to live/);
    await busy.result(60_000);
  });
});
