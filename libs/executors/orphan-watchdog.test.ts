import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, waitFor } from '@passerine/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { OrphanWatchdog } from './orphan-watchdog.ts';
import { processAlive } from './process-group.ts';
import { ShellExecutor } from './shell-executor.ts';

const FIXTURE = join(projectRoot, 'libs', 'executors', 'fixtures', 'orphaned-task.ts');
const started: number[] = [];

/** Starts the fixture and returns it with the pid of the grandchild its task left sleeping. */
async function nodeWithSleepingTask(...flags: string[]): Promise<{ node: ChildProcess; sleeper: number }> {
  const node = spawn(process.execPath, [join(projectRoot, 'bin', 'tsx.js'), FIXTURE, ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  node.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  await waitFor(() => /sleeping \d+/.test(output), { timeoutMs: 30_000, message: 'the task to start' });
  const sleeper = Number(/sleeping (\d+)/.exec(output)![1]);
  started.push(sleeper);
  return { node, sleeper };
}

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
});

describe('orphan watchdog', () => {
  it("kills a task's process group when the node's process is killed with -9", async () => {
    const { node, sleeper } = await nodeWithSleepingTask();
    node.kill('SIGKILL');
    await waitFor(() => !processAlive(sleeper), {
      timeoutMs: 10_000,
      message: 'the orphaned sleeper to die',
    });
  });

  it('without one, the same task outlives the killed node (what the watchdog is for)', async () => {
    const { node, sleeper } = await nodeWithSleepingTask('--no-watchdog');
    node.kill('SIGKILL');
    await new Promise((resolve) => node.once('exit', resolve));
    expect(processAlive(sleeper)).toBe(true);
  });

  it('on a graceful close exits without killing what it watches (the node stops its tasks itself)', async () => {
    const watchdog = new OrphanWatchdog();
    const executor = new ShellExecutor({ watchdog, killGraceMs: 200 });
    const abort = new AbortController();
    let sleeper = 0;
    const running = executor.execute(
      { command: 'sleep 60 & echo "sleeping $!"; wait', shell: true },
      { signal: abort.signal, onOutput: (line) => (sleeper = Number(/sleeping (\d+)/.exec(line)?.[1] ?? 0)) },
    );
    await waitFor(() => sleeper > 0, { timeoutMs: 10_000, message: 'the task to start' });
    started.push(sleeper);
    watchdog.close();
    const child = (watchdog as unknown as { child: ChildProcess }).child;
    await waitFor(() => child.exitCode !== null, { timeoutMs: 10_000, message: 'the watchdog to exit' });
    expect(child.exitCode).toBe(0);
    expect(processAlive(sleeper)).toBe(true);
    abort.abort();
    expect((await running).status).toBe('cancelled');
  });
});
