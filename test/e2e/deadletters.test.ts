import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `passerine deadletters` against a `passerine up`: failed scheduler jobs and failed work units. */
describe('passerine deadletters', () => {
  let cwd: string;
  let up: ReturnType<typeof spawnCli>;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-deadletters-'));
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], cwd);
    await waitFor(
      () => existsSync(join(cwd, '.passerine', 'endpoints.json')) && /Press Ctrl-C/.test(up.output()),
      {
        timeoutMs: 30_000,
        message: 'passerine up',
      },
    );
  });

  afterAll(async () => {
    if (up.child.exitCode === null) up.child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(args, cwd);
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const listed = async (...filter: string[]) =>
    (await ok('deadletters', 'list', '--json', ...filter))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  it('lists a failed job and a failed unit with their last errors, and redrives each its own way', async () => {
    const fixed = join(cwd, 'fixed');
    // Task t1 fails until the fix is in; so does the unit, through both its attempts (max_retries 1).
    const failing = `[ -e ${fixed} ] || { echo broken >&2; exit 3; }; echo ok`;
    const job = await cli(
      'jobs',
      'submit',
      '--id',
      'dl-job',
      '--tasks',
      '2',
      '--',
      'sh',
      '-c',
      `[ "$PASSERINE_TASK_INDEX" = 0 ] || { ${failing}; }`,
    );
    expect(job.stdout).toMatch(/completed \(1 finished, 1 failed\)/);
    const spec = join(cwd, 'spec.json');
    await writeFile(spec, JSON.stringify({ name: 'dl-spec', max_retries: 1, runner: { command: failing } }));
    await ok('specs', 'set', spec);
    const units = join(cwd, 'units.jsonl');
    await writeFile(units, `${JSON.stringify({ key: 'u1', data: {} })}\n`);
    await ok('units', 'add', 'dl-spec', units);
    await waitFor(async () => /failed/.test(await ok('units', 'status', 'dl-spec', 'u1')), {
      timeoutMs: 30_000,
      message: 'the unit to fail',
    });

    const all = await listed();
    expect(all.map((l) => [l.kind, l.id])).toEqual([
      ['job', 'dl-job'],
      ['unit', 'dl-spec/u1'],
    ]);
    expect(all[0].lastError).toMatch(/1 task\(s\) failed; t1: exited with code 3/);
    expect(all[1].detail.traceback).toMatch(/broken/);
    expect((await listed('--spec', 'dl-spec')).map((l) => l.id)).toEqual(['dl-spec/u1']);
    expect((await listed('--job', 'dl-job')).map((l) => l.id)).toEqual(['dl-job']);
    expect(await ok('deadletters', 'list')).toMatch(/^kind\s+id\s+attempts\s+last error/);

    await writeFile(fixed, '');
    expect(await ok('deadletters', 'redrive', '--job', 'dl-job')).toBe(
      'redriven job dl-job as dl-job-redrive-1\n',
    );
    expect(await ok('jobs', 'wait', 'dl-job-redrive-1')).toMatch(/completed \(1 finished, 0 failed\)/);
    expect(await listed('--job', 'dl-job')).toEqual([]);
    expect(await ok('deadletters', 'redrive', '--job', 'dl-job')).toBe('');

    expect(await ok('deadletters', 'redrive', '--spec', 'dl-spec')).toBe('redriven unit dl-spec/u1\n');
    await waitFor(async () => /finished/.test(await ok('units', 'status', 'dl-spec', 'u1')), {
      timeoutMs: 30_000,
      message: 'the retried unit to finish',
    });
    expect(await listed()).toEqual([]);
    const both = await cli('deadletters', 'list', '--job', 'a', '--spec', 'b');
    expect(both.stderr).toMatch(/name --job or --spec, not both/);
  }, 120_000);
});
