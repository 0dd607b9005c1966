import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@passerine/client';
import { projectRoot, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join(projectRoot, 'bin', 'tsx.js');
const example = (name: string) => join(projectRoot, 'examples', name);

/**
 * Every example of README's programmer's API section is a file of examples/ (the README shows it as
 * it is, which the first test holds it to) and runs here against a `passerine up` of a fresh
 * directory, with nodes of known capacity.
 */
describe("README's programmer's API examples", () => {
  let cwd: string;
  let up: ReturnType<typeof spawnCli>;

  /** Runs an example the way the README says (tsx, from the directory of a passerine up); its last line is JSON. */
  async function runExample(name: string): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [tsx, example(name)], { cwd, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-readme-'));
    const flags = ['--slots=4', '--cpus=8', '--mem-mb=16384', '--labels=zone=a'];
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0', ...flags], cwd);
    await waitFor(
      () => existsSync(join(cwd, '.passerine', 'endpoints.json')) && /Press Ctrl-C/.test(up.output()),
      {
        timeoutMs: 60_000,
        message: 'passerine up',
      },
    );
  });

  afterAll(async () => {
    if (up?.child.exitCode === null) {
      up.child.kill('SIGTERM');
      await up.exited;
    }
    await rm(cwd, { recursive: true, force: true });
  });

  it('shows each example file as it is', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/<!-- example: (examples\/[\w.-]+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual([
      'examples/quickstart.ts',
      'examples/executor.ts',
      'examples/pool.ts',
      'examples/hooks.ts',
      'examples/work-queue.ts',
      'examples/worker.ts',
    ]);
    for (const [, file, code] of blocks)
      expect(code, file).toBe(readFileSync(join(projectRoot, file), 'utf8'));
  });

  it('runs the quickstart', async () => {
    expect(await runExample('quickstart.ts')).toEqual({
      stdout: 'hi\n',
      squares: [1, 4, 9],
      cubes: [1, 8, 27],
    });
  });

  it('runs tasks and futures', async () => {
    expect(await runExample('executor.ts')).toEqual({
      hasTmp: true,
      words: 4,
      pow: 1024,
      order: ['fast', 'slow'],
      cancelled: true,
      why: 'killed',
      lengths: [1, 2, 3],
      failure: {
        state: 'failed',
        message: expect.stringMatching(/failed on nm-\S+: RangeError: negative: -1$/),
        stack: 'RangeError: negative: -1',
      },
    });
  });

  it('runs the pool', async () => {
    expect(await runExample('pool.ts')).toEqual({
      sum: 5,
      upper: 'HELLO',
      ready: true,
      cubes: [1, 8, 27],
      inOrder: [200, 10, 50],
      asTheyEnd: [10, 200],
    });
  });

  it('runs the hooks, on nodes of the capacity the flags gave', async () => {
    expect(await runExample('hooks.ts')).toEqual({
      nodes: [{ cpus: 8, memMb: 16384, zone: 'a' }],
      doubled: [2, 4, 6],
      ones: [1, 1],
      lastStates: expect.arrayContaining(['finished']),
    });
  });

  it('runs the work-queue calls, then the pull worker until SIGTERM', async () => {
    expect(await runExample('work-queue.ts')).toEqual({
      counts: { available: 2, blocked: 0, pending: 0, finished: 0, failed: 0 },
      // Available units come highest priority first, as the original server lists them.
      keys: ['b', 'a'],
      data: { url: 'https://b.example/' },
      specs: ['pages'],
    });
    const child = spawn(process.execPath, [tsx, example('worker.ts')], { cwd });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor(() => output.includes('worker ready'), {
      timeoutMs: 30_000,
      message: 'the worker to start',
    });
    const client = await connect({ cwd });
    try {
      const wq = client.workQueue();
      await waitFor(async () => (await wq.countWorkUnits('pages')).finished === 2, {
        message: 'both units finished',
      });
      const [a] = await wq.getWorkUnits('pages', { keys: ['a'] });
      expect(a.data).toEqual({ url: 'https://a.example/', length: 18 });
    } finally {
      await client.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ finished: 2, failed: 0 });
  });
});
