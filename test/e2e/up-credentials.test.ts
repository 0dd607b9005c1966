import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@passerine/client';
import { connectNats } from '@passerine/natsconn';
import { runCli, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('passerine up with a NATS user per role', () => {
  let cwd: string;
  let data: string;
  let up: ReturnType<typeof spawnCli>;
  let endpoints: { nats: string };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-creds-'));
    data = join(cwd, '.passerine');
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], cwd);
    await waitFor(() => existsSync(join(data, 'endpoints.json')) && /Press Ctrl-C/.test(up.output()), {
      timeoutMs: 30_000,
      message: 'passerine up',
    });
    endpoints = JSON.parse(readFileSync(join(data, 'endpoints.json'), 'utf8'));
  });

  afterAll(async () => {
    if (up.child.exitCode === null) up.child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  it('keeps its credentials readable by the user only', () => {
    expect(modeOf(data)).toBe('700');
    expect(modeOf(join(data, 'credentials.json'))).toBe('600');
    expect(modeOf(join(data, 'nats-authorization.conf'))).toBe('600');
  });

  it('refuses a connection without a credential, or with a wrong one', async () => {
    await expect(connectNats({ servers: endpoints.nats, timeoutMs: 2_000 })).rejects.toThrow(
      /Authorization Violation/i,
    );
    const wrong = join(cwd, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ user: 'psr-admin', password: 'not-it' }), { mode: 0o600 });
    await expect(connect({ cwd, credentialsFile: wrong, timeoutMs: 2_000 })).rejects.toThrow(
      /Authorization/i,
    );
  });

  it('lets the CLI of this directory in as admin', async () => {
    const listed = await runCli(['specs', 'list'], cwd);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
  });

  it("issues a new namespace's worker credential without a restart, good for that namespace only", async () => {
    const issued = await runCli(['credentials', 'worker', 'alpha', '--out', 'alpha.json'], cwd);
    expect(issued.code).toBe(0);
    expect(modeOf(join(cwd, 'alpha.json'))).toBe('600');

    const worker = await connect({ cwd, credentialsFile: join(cwd, 'alpha.json'), role: 'worker' });
    try {
      await worker.workQueue('alpha').setWorkSpec({ name: 'mine' });
      expect((await worker.workQueue('alpha').listWorkSpecs()).map((s) => s.name)).toEqual(['mine']);
      await expect(worker.workQueue('beta').setWorkSpec({ name: 'theirs' })).rejects.toThrow(
        /refused .* to publish on psr\.rpc\.wq\.beta\.setWorkSpec/,
      );
    } finally {
      await worker.close();
    }
    // No partial effect: beta has no spec, and the server logged the refusal.
    const beta = await runCli(['specs', 'list', '--namespace', 'beta', '--json'], cwd);
    expect(beta.stdout).not.toContain('theirs');
    expect(readFileSync(join(data, 'nats-server.log'), 'utf8')).toMatch(
      /Publish Violation - User "psr-worker-alpha", Subject "psr\.rpc\.wq\.beta\.setWorkSpec"/,
    );
  });

  it('refuses a credential file others can read', async () => {
    writeFileSync(join(cwd, 'open.json'), readFileSync(join(cwd, 'alpha.json')), { mode: 0o644 });
    await expect(connect({ cwd, credentialsFile: join(cwd, 'open.json'), role: 'worker' })).rejects.toThrow(
      /readable by others .* chmod 600/,
    );
  });
});
