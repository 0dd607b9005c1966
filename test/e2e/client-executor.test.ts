import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  asCompleted,
  connect,
  heuristics,
  type PasserineClient,
  type StagedTask,
  TaskError,
  type TaskStatus,
} from '@passerine/client';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tasksModule = fileURLToPath(new URL('./fixtures/client-tasks.ts', import.meta.url));

describe('the Executor of @passerine/client', () => {
  let cluster: SchedulingCluster;
  let client: PasserineClient;
  const running = () => cluster.nodes.reduce((sum, node) => sum + node.state().running, 0);

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 4, resources: { cpus: 4, memMb: 4096 }, labels: { zone: 'a' } });
    await cluster.addNode({ id: 'n1', slots: 4, resources: { cpus: 8, memMb: 8192 }, labels: { zone: 'b' } });
    await cluster.waitForNodes(2);
    client = await connect({ natsUrl: cluster.server.url, prefix: cluster.names.prefix });
    await waitFor(() => client.nodes().length === 2, { message: 'the client to see both nodes' });
  });
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('keeps the tasks of an executor with a key limit within it, as the tasks count themselves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerine-executor-limit-'));
    try {
      const ex = client.executor({ limit: { key: 'ex-api', running: 2 } });
      // Each task leaves a marker while it runs and prints how many it sees, itself included.
      const command = `touch ${dir}/$$; ls ${dir} | wc -l; sleep 0.2; rm ${dir}/$$`;
      const results = await Promise.all(
        Array.from({ length: 8 }, () => ex.submit({ command }).result(60_000)),
      );
      const seen = results.map((r) => Number((r as { stdout: string }).stdout.trim()));
      expect(seen).toHaveLength(8);
      expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a command and gives back its exit code and output', async () => {
    const ex = client.executor();
    const hi = await ex.submit({ command: 'echo hi' }).result(10_000);
    expect(hi).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: '', stdoutTruncated: false });
    const argv = await ex.submit({ command: ['printf', '%s|', 'a b', 'c'], env: { X: '1' } }).result();
    expect(argv.stdout).toBe('a b|c|');
    const failed = (await ex
      .submit({ command: 'echo bad >&2; exit 4' })
      .result()
      .catch((e) => e)) as TaskError;
    expect(failed).toBeInstanceOf(TaskError);
    expect(failed.info).toMatchObject({ exitCode: 4, stderr: 'bad\n' });
    expect(failed.state).toBe('failed');
  });

  it('maps an inline function over items, one task each, on both nodes', async () => {
    const ex = client.executor();
    expect(await ex.map((x: number) => x * x, [1, 2, 3])).toEqual([1, 4, 9]);
    const seen: TaskStatus[] = [];
    const many = client.executor({ onUpdate: (s) => seen.push(s) });
    const roots = await many.map(
      (x: number) => Math.sqrt(x),
      Array.from({ length: 200 }, (_, i) => i * i),
    );
    expect(roots).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const nodes = new Set(seen.filter((s) => s.state === 'finished').map((s) => s.nodeId));
    expect(nodes).toEqual(new Set(['n0', 'n1']));
    // Each task goes through Satyr's states in order ('starting' passes unseen when the task
    // starts before the submit's answer arrives).
    const states = seen.filter((s) => s.index === 7).map((s) => s.state);
    expect(['starting,running,finished', 'running,finished']).toContain(states.join());
    const unordered = await ex.map((x: number) => x + 1, [1, 2, 3], { ordered: false, concurrency: 1 });
    expect(unordered.sort()).toEqual([2, 3, 4]);
  });

  it('runs a module export, and gives its futures in the order they end', async () => {
    const ex = client.executor();
    // The slow one ends only once the fast one was seen to: the order does not hang on timing.
    const barrier = join(mkdtempSync(join(tmpdir(), 'passerine-order-')), 'fast-ended');
    const slow = ex.submit({ module: tasksModule, export: 'whenExists', args: [barrier, 'slow'] });
    const fast = ex.submit({ module: tasksModule, export: 'after', args: [10, 'fast'] });
    const order: unknown[] = [];
    for await (const future of asCompleted([slow, fast])) {
      order.push(await future.result());
      if (order.length === 1) writeFileSync(barrier, '');
    }
    rmSync(dirname(barrier), { recursive: true, force: true });
    expect(order).toEqual(['fast', 'slow']);
    expect(slow.done()).toBe(true);
    expect(slow.status).toBe('finished');
  });

  it('rejects with the remote error and stack when the code throws, and does not retry it', async () => {
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
    await expect(ex.map((x: number) => (x === 2 ? JSON.parse('{') : x), [1, 2, 3])).rejects.toThrow(
      /SyntaxError/,
    );
  });

  it('cancels a running task, killing it on its node; cancel after the end does nothing', async () => {
    const ex = client.executor();
    const statuses: string[] = [];
    const future = ex.submit({ command: 'sleep 60' }).onUpdate((s) => statuses.push(s.state));
    await waitFor(() => future.status === 'running', { message: 'the task to run' });
    expect(await future.cancel()).toBe(true);
    await expect(future.result()).rejects.toMatchObject({ state: 'killed' });
    await waitFor(() => running() === 0, { message: 'nothing left running on the nodes' });
    expect(statuses.at(-1)).toBe('killed');
    const done = ex.submit((x: number) => x, 1);
    expect(await done.result()).toBe(1);
    expect(await done.cancel()).toBe(false);
    expect(done.status).toBe('finished');
  });

  it('refuses at the call what cannot travel, naming it', () => {
    const ex = client.executor();
    const factor = 3;
    expect(() => ex.submit((x: number) => x * factor, 2)).toThrow(
      "the function uses 'factor' from the scope it was written in",
    );
    expect(() => ex.map((x: number) => x * factor, [1])).toThrow(/'factor'/);
    expect(() =>
      ex.submit(
        (x: unknown) => x,
        () => 1,
      ),
    ).toThrow('argument 0 cannot be serialised: it is a function');
    expect(() => ex.map((x: unknown) => x, [{ when: new Map() }])).toThrow(
      'argument 0 at .when cannot be serialised: it is a Map, which msgpack does not carry',
    );
    expect(() => ex.submit(Math.max, 1)).toThrow(/native or bound/);
    expect(() => ex.submit({ command: '' })).toThrow('command must not be empty');
    expect(() => ex.submit({ module: tasksModule, export: '' })).toThrow(
      /export must name an exported function/,
    );
  });

  it('fails what cannot start on the node with the reason, as an error of setup', async () => {
    const ex = client.executor();
    const missing = (await ex
      .submit({ module: tasksModule, export: 'nope' })
      .result()
      .catch((e) => e)) as TaskError;
    expect(missing.state).toBe('error');
    expect(missing.message).toMatch(/has no exported function nope/);
    const noModule = (await ex
      .submit({ module: '/nowhere/tasks.js', export: 'f' })
      .result()
      .catch((e) => e)) as TaskError;
    expect(noModule.message).toMatch(/cannot load module \/nowhere\/tasks\.js/);
    // No Docker engine runs on these machines: the task fails fast, saying so.
    const started = Date.now();
    const docker = (await ex
      .submit({ image: 'alpine', command: 'true' })
      .result()
      .catch((e) => e)) as TaskError;
    expect(docker.state).toBe('error');
    expect(docker.message).toMatch(/no Docker engine is reachable/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses a task no node can hold at submit, with the reason', async () => {
    const ex = client.executor({ resources: { cpus: 64 } });
    await expect(ex.submit((x: number) => x, 1).result()).rejects.toThrow(
      /resources exceed the capacity of every allowed node: it asks for \{"cpus":64,"memMb":0,"diskMb":0\}, the largest \(n1\) has \{"cpus":8/,
    );
    await expect(client.executor().map((x: number) => x, [1], { resources: { memMb: 1e6 } })).rejects.toThrow(
      /exceed the capacity of every allowed node/,
    );
  });

  it('fails a result over the size limit, naming its size', async () => {
    const ex = client.executor();
    await expect(ex.submit((n: number) => 'x'.repeat(n), 600_000).result()).rejects.toThrow(
      /the result is 6000\d\d bytes of msgpack, over the limit of 524288/,
    );
  });

  it('lets a placement hook choose the nodes from the offers, with the heuristics to call', async () => {
    const seen: { offers: string[]; tasks: StagedTask[] }[] = [];
    const ex = client.executor({
      resources: { cpus: 1 },
      placement: (offers, tasks) => {
        seen.push({ offers: offers.map((o) => o.nodeId).sort(), tasks });
        // Only zone b: first-fit-decreasing among its offers.
        return heuristics.ffd(
          offers.filter((o) => o.labels.zone === 'b'),
          tasks,
        );
      },
    });
    const nodes: string[] = [];
    const results = await Promise.all(
      [1, 2, 3].map((x) =>
        ex
          .submit((y: number) => y * 10, x)
          .onUpdate((s) => s.state === 'finished' && nodes.push(s.nodeId!))
          .result(),
      ),
    );
    expect(results).toEqual([10, 20, 30]);
    expect(nodes).toEqual(['n1', 'n1', 'n1']);
    expect(seen[0].offers).toEqual(['n0', 'n1']);
    expect(seen[0].tasks[0]).toMatchObject({ resources: { cpus: 1, memMb: 0, diskMb: 0 } });
    const bad = client.executor({ placement: () => [{ taskId: 'nope', nodeId: 'n0' }] });
    await expect(bad.submit((x: number) => x, 1).result()).rejects.toThrow(
      /placed "nope", which is not a task it was given/,
    );
  });
});
