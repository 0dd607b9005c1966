import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@passerine/client';
import { JetStreamEventLog } from '@passerine/eventlog';
import { processAlive } from '@passerine/executors';
import { connectNats } from '@passerine/natsconn';
import { locateNatsCredential, natsAuthOptions } from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { runCli, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, describe, expect, it } from 'vitest';

type Up = ReturnType<typeof spawnCli>;

/** The pid of the nats-server `up` runs now, from the ports file it writes into .passerine/. */
function serverPid(cwd: string): number | undefined {
  const files = readdirSync(join(cwd, '.passerine')).filter((f) => /^nats-server_\d+\.ports$/.test(f));
  const pids = files.map((f) => Number(/_(\d+)\.ports$/.exec(f)![1])).filter(processAlive);
  return pids.length === 1 ? pids[0] : undefined;
}

/** The processes `pid` started (the gateway's edge processes, the nats-server), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

async function startUp(extra: string[]): Promise<{ cwd: string; up: Up; nats: string; prefix: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'passerine-supervise-'));
  const up = spawnCli(
    ['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0', ...extra],
    cwd,
  );
  const file = join(cwd, '.passerine', 'endpoints.json');
  await waitFor(() => existsSync(file) && /Press Ctrl-C/.test(up.output()), {
    timeoutMs: 30_000,
    message: 'passerine up',
  });
  const { nats, prefix } = JSON.parse(readFileSync(file, 'utf8'));
  return { cwd, up, nats, prefix };
}

const dirs: string[] = [];
const ups: Up[] = [];
afterAll(async () => {
  for (const up of ups) if (up.child.exitCode === null) up.child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('passerine up supervises its nats-server', () => {
  it('starts a killed nats-server again on the same store and port; the services carry on, then past the bound it exits non-zero with one sentence', async () => {
    const { cwd, up, nats, prefix } = await startUp(['--nats-restarts=1']);
    dirs.push(cwd);
    ups.push(up);
    const first = await waitFor(() => serverPid(cwd), { message: 'the nats-server pid' });

    const admin = locateNatsCredential({ dataDir: join(cwd, '.passerine') });
    const nc = await connectNats({ servers: nats, ...natsAuthOptions(admin) });
    const names = createNames(prefix);
    const subject = names.customEvents('supervision');
    await new JetStreamEventLog(nc, { stream: names.eventStream }).append(subject, [
      { type: 'BeforeTheKill', v: 1, time: Date.now(), id: 'a', data: { n: 1 } },
    ]);
    await nc.close();

    process.kill(first, 'SIGKILL');
    const second = await waitFor(
      () => {
        const pid = serverPid(cwd);
        return pid !== first ? pid : undefined;
      },
      { timeoutMs: 30_000, message: 'a new nats-server' },
    );
    expect(second).not.toBe(first);
    expect(up.child.exitCode).toBeNull();

    // Same URL, same store: what was acknowledged before the kill is there, and work runs again.
    const replay = await runCli(['events', 'replay'], cwd);
    expect(replay.stdout).toContain('BeforeTheKill {"n":1}');
    const run = await runCli(['jobs', 'submit', '--tasks', '2', '--', 'sh', '-c', 'echo again'], cwd);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/completed \(2 finished, 0 failed\)/);

    // The endpoints file names the live server, so a namespace's new worker credential is issued
    // by reloading that one, and it works.
    const recorded = JSON.parse(readFileSync(join(cwd, '.passerine', 'endpoints.json'), 'utf8'));
    expect(recorded.natsPid).toBe(second);
    const issued = await runCli(['credentials', 'worker', 'after-restart', '--out', 'worker.json'], cwd);
    expect(issued.stderr).toContain('worker credential of namespace after-restart written');
    expect(issued.code).toBe(0);
    const worker = await connect({ cwd, credentialsFile: join(cwd, 'worker.json'), role: 'worker' });
    try {
      await worker.workQueue('after-restart').setWorkSpec({ name: 'mine' });
      const specs = await worker.workQueue('after-restart').listWorkSpecs();
      expect(specs.map((s) => s.name)).toEqual(['mine']);
    } finally {
      await worker.close();
    }
    expect(serverPid(cwd)).toBe(second);

    // The bound is one restart: the next death ends `up`, saying why in one line.
    process.kill(second, 'SIGKILL');
    expect(await up.exited).toBe(1);
    const said = up
      .output()
      .split('\n')
      .filter((line) => line.startsWith('passerine: '));
    expect(said).toEqual([
      expect.stringMatching(
        /^passerine: nats-server killed by SIGKILL and was not started again: restarted once within 10 minutes already \(its output is in .*nats-server\.log\)\.$/,
      ),
    ]);
    expect(existsSync(join(cwd, '.passerine', 'endpoints.json'))).toBe(false);
  });

  it('stops on SIGTERM while its nats-server is paused, leaving no nats-server or edge process behind', async () => {
    const { cwd, up } = await startUp(['--threads=2']);
    dirs.push(cwd);
    ups.push(up);
    const pid = await waitFor(() => serverPid(cwd), { message: 'the nats-server pid' });
    const children = childrenOf(up.child.pid!);
    expect(children).toContain(pid);
    expect(children.length).toBeGreaterThan(1);
    process.kill(pid, 'SIGSTOP');
    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
    expect(up.output()).toContain('stopped.');
    await waitFor(() => !processAlive(pid), { message: 'the paused nats-server to be killed' });
    await waitFor(() => children.every((c) => !processAlive(c)), { message: 'the edge processes to exit' });
    expect(existsSync(join(cwd, '.passerine', 'endpoints.json'))).toBe(false);
  });

  it('stops in order when a supervisor signals SIGTERM to it and its edge processes at once', async () => {
    const { cwd, up } = await startUp(['--threads=2']);
    dirs.push(cwd);
    ups.push(up);
    const nats = await waitFor(() => serverPid(cwd), { message: 'the nats-server pid' });
    const edges = childrenOf(up.child.pid!).filter((c) => c !== nats);
    expect(edges.length).toBeGreaterThan(0);
    // What a stop of the process group does (nats-server runs in a group of its own).
    for (const pid of [...edges, up.child.pid!]) process.kill(pid, 'SIGTERM');
    expect(await up.exited).toBe(0);
    expect(up.output()).toContain('stopped.');
    expect(up.output()).not.toMatch(/edge process died|EPIPE|Unhandled/);
    await waitFor(() => edges.every((c) => !processAlive(c)), { message: 'the edge processes to exit' });
  });
});
