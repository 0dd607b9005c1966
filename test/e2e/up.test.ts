import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetStreamEventLog } from '@passerine/eventlog';
import { processAlive } from '@passerine/executors';
import { connectNats } from '@passerine/natsconn';
import { locateNatsCredential, natsAuthOptions } from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { runCli, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('passerine up (embedded default) and the events commands', () => {
  let cwd: string;
  let up: ReturnType<typeof spawnCli>;
  let endpoints: { pid: number; nats: string; prefix: string };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-up-'));
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], cwd);
    const file = join(cwd, '.passerine', 'endpoints.json');
    await waitFor(() => existsSync(file) && /Press Ctrl-C/.test(up.output()), {
      timeoutMs: 30_000,
      message: 'passerine up',
    });
    endpoints = JSON.parse(readFileSync(file, 'utf8'));
  });

  afterAll(async () => {
    if (up.child.exitCode === null) up.child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints where it listens and records it under .passerine/', () => {
    expect(up.output()).toContain('Passerine is up.');
    expect(up.output()).toContain(endpoints.nats);
    expect(endpoints.nats).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(cwd, '.passerine', 'jetstream'))).toBe(true);
  });

  it('lets commands run from the same directory find it without flags', async () => {
    const admin = locateNatsCredential({ dataDir: join(cwd, '.passerine') });
    const nc = await connectNats({ servers: endpoints.nats, ...natsAuthOptions(admin) });
    const names = createNames(endpoints.prefix);
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    const subject = names.customEvents('cli-test');
    const first = await log.append(subject, [
      { type: 'Hello', v: 1, time: Date.now(), id: 'a', data: { n: 1 } },
    ]);
    await log.append(subject, [{ type: 'Later', v: 1, time: Date.now(), id: 'b', data: { n: 2 } }]);
    await nc.close();

    const all = await runCli(['events', 'replay', '--json'], cwd);
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The store has written its own events too (a leader for the namespace the frontends pump).
    expect(lines.map((l) => l.type).filter((type) => type === 'Hello' || type === 'Later')).toEqual([
      'Hello',
      'Later',
    ]);

    const upTo = await runCli(['events', 'replay', '--until', String(first.seq)], cwd);
    expect(upTo.stdout).toContain('Hello {"n":1}');
    expect(upTo.stdout).not.toContain('Later');

    const bad = await runCli(['events', 'replay', '--until', 'yesterday-ish'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--until "yesterday-ish" is neither a sequence number nor a time/);
  });

  it('runs a first job from the command line and shows its output', async () => {
    const run = await runCli(
      ['jobs', 'submit', '--tasks', '2', '--', 'sh', '-c', 'echo hello $PASSERINE_TASK_INDEX'],
      cwd,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/completed \(2 finished, 0 failed\)/);
    const jobId = /job (\S+):/.exec(run.stdout)![1];
    const logs = await runCli(['jobs', 'logs', jobId], cwd);
    expect(logs.stdout.trim().split('\n').sort()).toEqual(['[t0 stdout] hello 0', '[t1 stdout] hello 1']);

    const missing = await runCli(['jobs', 'submit', '--', 'no-such-command-here'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/command not found: no-such-command-here/);
  });

  it('refuses a second up in the same directory with a clear message', async () => {
    const second = await runCli(['up', '--nats-port=-1'], cwd);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already runs from this directory/);
  });

  it('stops cleanly on SIGTERM, leaving no nats-server behind', async () => {
    const portsFile = readdirSync(join(cwd, '.passerine')).find((f) => f.endsWith('.ports'))!;
    const serverPid = Number(/_(\d+)\.ports$/.exec(portsFile)![1]);
    expect(processAlive(serverPid)).toBe(true);
    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
    await waitFor(() => !processAlive(serverPid), { message: 'nats-server to exit' });
    expect(existsSync(join(cwd, '.passerine', 'endpoints.json'))).toBe(false);
  });
});
