import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@passerine/test-support';
import { describe, expect, it } from 'vitest';
import type { OutputStream } from './executor.ts';
import { groupAlive, processAlive } from './process-group.ts';
import { ShellExecutor } from './shell-executor.ts';

/** Polls until a process the test saw is gone (no event tells when a grandchild dies). */
const gone = (what: string, check: () => boolean) =>
  waitFor(check, { timeoutMs: 5_000, intervalMs: 10, message: `${what} to be gone` });

const executor = new ShellExecutor({ killGraceMs: 500 });

describe('shell executor', () => {
  it('delivers output lines from both streams and finishes on exit 0', async () => {
    const lines: Array<[string, OutputStream]> = [];
    const result = await executor.execute(
      { command: 'printf "one\\ntwo\\n"; echo err >&2; printf last', shell: true },
      { onOutput: (line, stream) => lines.push([line, stream]) },
    );
    expect(result).toEqual({ status: 'finished', exitCode: 0, signal: null });
    expect(lines.filter(([, s]) => s === 'stdout').map(([l]) => l)).toEqual(['one', 'two', 'last']);
    expect(lines.filter(([, s]) => s === 'stderr').map(([l]) => l)).toEqual(['err']);
  });

  it('passes args, env and cwd', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'passerine-shell-')));
    const lines: string[] = [];
    const result = await executor.execute(
      {
        command: 'sh',
        args: ['-c', 'echo "$GREETING $1"; pwd', 'argv0', 'world'],
        env: { GREETING: 'hello' },
        cwd: dir,
      },
      { onOutput: (line) => lines.push(line) },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).toBe('finished');
    expect(lines).toEqual(['hello world', dir]);
  });

  it('reports a non-zero exit as failed', async () => {
    expect(await executor.execute({ command: 'exit 3', shell: true })).toEqual({
      status: 'failed',
      exitCode: 3,
      signal: null,
      error: 'exited with code 3',
    });
  });

  it('reports a missing command as failed, not as a throw', async () => {
    const result = await executor.execute({ command: 'no-such-command-passerine' });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/command not found: no-such-command-passerine \(ENOENT\)/);
    const viaShell = await executor.execute({ command: 'no-such-command-passerine', shell: true });
    expect(viaShell).toMatchObject({ status: 'failed', exitCode: 127 });
    const badCwd = await executor.execute({ command: 'true', cwd: '/no/such/dir' });
    expect(badCwd.error).toMatch(/cwd \/no\/such\/dir does not exist/);
  });

  it('kills a task that never exits together with its grandchildren on timeout', async () => {
    let grandchild = 0;
    const started = Date.now();
    const result = await executor.execute(
      // The grandchild ignores SIGTERM, so only the SIGKILL to the whole group stops it.
      {
        command: 'sh -c \'trap "" TERM; echo $$; while :; do sleep 1; done\' & wait',
        shell: true,
        timeoutMs: 300,
      },
      { onOutput: (line) => (grandchild = Number(line)) },
    );
    expect(result.status).toBe('timeout');
    expect(result.error).toBe('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(grandchild).toBeGreaterThan(0);
    await gone('the grandchild', () => !processAlive(grandchild));
  });

  it('stops the whole group on abort', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const running = executor.execute(
      { command: 'sleep 60 & echo $!; wait', shell: true },
      {
        signal: controller.signal,
        onOutput: (line) => {
          grandchild = Number(line);
          controller.abort();
        },
      },
    );
    const result = await running;
    expect(result.status).toBe('cancelled');
    await gone('the grandchild', () => !processAlive(grandchild));
  });

  it('does not leave background processes behind after the command exits', async () => {
    let pgid = 0;
    const result = await executor.execute(
      { command: 'sleep 60 >/dev/null 2>&1 & echo $$', shell: true },
      { onOutput: (line) => (pgid = Number(line)) },
    );
    expect(result.status).toBe('finished');
    await gone('the process group', () => !groupAlive(pgid));
  });

  it('splits overlong lines', async () => {
    const lines: string[] = [];
    const small = new ShellExecutor({ maxLineLength: 4 });
    await small.execute(
      { command: 'echo abcdefghij', shell: true },
      { onOutput: (line) => lines.push(line) },
    );
    expect(lines).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('does not start when already aborted', async () => {
    expect((await executor.execute({ command: 'true' }, { signal: AbortSignal.abort() })).status).toBe(
      'cancelled',
    );
  });
});
