import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `passerine logs` against a `passerine up`: one command for the output of jobs and of work units.
 * Every step is a CLI process; on a loaded machine a test takes well over the default 30 s.
 */
describe('passerine logs', () => {
  let cwd: string;
  let up: ReturnType<typeof spawnCli>;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-logs-'));
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], cwd);
    const file = join(cwd, '.passerine', 'endpoints.json');
    await waitFor(() => existsSync(file) && /Press Ctrl-C/.test(up.output()), {
      timeoutMs: 30_000,
      message: 'passerine up',
    });
    JSON.parse(readFileSync(file, 'utf8'));
  });

  afterAll(async () => {
    if (up.child.exitCode === null) up.child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  const ok = async (...args: string[]) => {
    const result = await runCli(args, cwd);
    // `units add` reports its progress on stderr.
    if (args[0] !== 'units') expect(result.stderr, args.join(' ')).toBe('');
    expect(result.code, args.join(' ')).toBe(0);
    return result.stdout;
  };

  it("prints a job's lines from both streams, with node and attempt in JSON, filtered by time and attempt", async () => {
    await ok(
      'jobs',
      'submit',
      '--id',
      'job-logs-1',
      '--tasks',
      '2',
      '--',
      'sh',
      '-c',
      'echo out $PASSERINE_TASK_INDEX; echo err $PASSERINE_TASK_INDEX >&2',
    );
    const shown = (await ok('logs', 'job-logs-1')).trim().split('\n').sort();
    expect(shown).toEqual([
      '[t0 stderr] err 0',
      '[t0 stdout] out 0',
      '[t1 stderr] err 1',
      '[t1 stdout] out 1',
    ]);
    expect((await ok('jobs', 'logs', 'job:job-logs-1')).trim().split('\n')).toHaveLength(4);
    const json = (await ok('logs', 'job-logs-1', '--json'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json[0]).toMatchObject({ jobId: 'job-logs-1', attempt: 1, nodeId: expect.any(String) });
    expect((await ok('logs', 'job-logs-1', '--since', '1h')).trim().split('\n')).toHaveLength(4);
    expect(await ok('logs', 'job-logs-1', '--since', '2099-01-01T00:00:00Z')).toBe('');
    expect(await ok('logs', 'job-logs-1', '--attempt', '2')).toBe('');
    const bad = await runCli(['logs', 'job-logs-1', '--since', 'last tuesday'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--since "last tuesday" is neither a while ago/);
  }, 120_000);

  it('follows a running job, printing lines as they come', async () => {
    const follow = spawnCli(['logs', 'job-logs-2', '--follow'], cwd);
    try {
      const go = join(cwd, 'go-2');
      await ok(
        'jobs',
        'submit',
        '--id',
        'job-logs-2',
        '--no-wait',
        '--',
        'sh',
        '-c',
        `echo first; while [ ! -e ${go} ]; do sleep 0.05; done; echo second`,
      );
      await waitFor(() => follow.output().includes('[t0 stdout] first'), { message: 'the first line' });
      expect(follow.output()).not.toContain('second');
      await writeFile(go, '');
      await waitFor(() => follow.output().includes('[t0 stdout] second'), { message: 'the second line' });
    } finally {
      follow.child.kill('SIGTERM');
    }
  }, 120_000);

  it('finds the runs of a work unit by spec and key, each attempt numbered', async () => {
    const marker = join(cwd, 'tried-once');
    // The first run fails and leaves a marker; the retry finds it and succeeds.
    const command = `echo "run of $PASSERINE_WORK_UNIT_KEY"; [ -e ${marker} ] && exit 0; touch ${marker}; echo failing >&2; exit 1`;
    const spec = join(cwd, 'spec.json');
    await writeFile(spec, JSON.stringify({ name: 'flaky', max_retries: 1, runner: { command } }));
    await ok('specs', 'set', spec);
    const units = join(cwd, 'units.jsonl');
    await writeFile(
      units,
      `${JSON.stringify({ key: 'k/1', data: {} })}\n${JSON.stringify({ key: 'k2', data: {} })}\n`,
    );
    await ok('units', 'add', 'flaky', units);
    await waitFor(
      async () => /finished/.test((await runCli(['units', 'status', 'flaky', 'k/1'], cwd)).stdout),
      { timeoutMs: 30_000, message: 'the unit to finish' },
    );
    const shown = (await ok('logs', 'unit:flaky/k/1')).trim().split('\n');
    expect(shown).toEqual(['[k/1 stdout] run of k/1', '[k/1 stderr] failing', '[k/1#2 stdout] run of k/1']);
    expect((await ok('logs', 'unit:flaky/k/1', '--attempt', '2')).trim()).toBe('[k/1#2 stdout] run of k/1');
    const bad = await runCli(['logs', 'unit:flaky'], cwd);
    expect(bad.stderr).toMatch(/unit "flaky" must be written SPEC\/KEY/);
  }, 120_000);
});
