import { connect, type PasserineClient, TaskError, type TaskStatus } from '@passerine/client';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the Executor of @passerine/client', () => {
  let cluster: SchedulingCluster;
  let client: PasserineClient;

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 4 });
    await cluster.addNode({ id: 'n1', slots: 4 });
    await cluster.waitForNodes(2);
    client = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
  });
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('runs a command and gives back its exit code and output', async () => {
    const ex = client.executor();
    const hi = await ex.submit({ command: 'echo hi' }).result(10_000);
    expect(hi).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: '', stdoutTruncated: false });
  });

  it('maps an inline function over items, one task each, on both nodes', async () => {
    const ex = client.executor();
    expect(await ex.map((x: number) => x * x, [1, 2, 3])).toEqual([1, 4, 9]);
    const seen: TaskStatus[] = [];
    const many = client.executor({ onUpdate: (s) => seen.push(s) });
    const squares = await many.map(
      (x: number) => Math.sqrt(x),
      Array.from({ length: 200 }, (_, i) => i * i),
    );
    expect(squares).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const nodes = new Set(seen.filter((s) => s.state === 'finished').map((s) => s.nodeId));
    expect(nodes).toEqual(new Set(['n0', 'n1']));
  });

  it('rejects with the remote error and stack when the code throws', async () => {
    const ex = client.executor();
    const err = (await ex
      .submit((x: number) => {
        if (x > 1) throw new RangeError(`too big: ${x}`);
        return x;
      }, 5)
      .result()
      .catch((e) => e)) as TaskError;
    expect(err).toBeInstanceOf(TaskError);
    expect(err.state).toBe('failed');
    expect(err.message).toMatch(/failed on n\d: RangeError: too big: 5/);
    expect(err.info.remoteStack).toMatch(/RangeError: too big: 5/);
  });

  it('refuses a function with free variables at the call, naming them', () => {
    const ex = client.executor();
    const factor = 3;
    expect(() => ex.submit((x: number) => x * factor, 2)).toThrow(
      /uses 'factor' from the scope it was written in/,
    );
    expect(() => ex.map((x: number) => x * factor, [1])).toThrow(/'factor'/);
  });
});
