import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, requestRpc, serveRpc } from '@passerine/natsconn';
import { AUTHORIZATION_FILE, natsAuthOptions, readOneCredential } from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { runCli, startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A cluster's credentials, made by the CLI, on a real server; a namespace added while it runs. */
describe('passerine credentials for a cluster', () => {
  let dir: string;
  let server: TestServer;
  const names = createNames('psr');
  const as = (file: string) =>
    connectNats({
      servers: server.url,
      timeoutMs: 3_000,
      ...natsAuthOptions(readOneCredential(join(dir, file))),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'passerine-cluster-creds-'));
    const made = await runCli(
      ['credentials', 'generate', '--out', join(dir, 'c'), '--namespaces', 'alpha'],
      dir,
    );
    expect(made.stderr).toMatch(/written to/);
    dir = join(dir, 'c');
    const admin = readOneCredential(join(dir, 'admin.json'));
    server = await startTestServer({
      authorizationFile: join(dir, AUTHORIZATION_FILE),
      probe: natsAuthOptions(admin),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes one file per role, readable by the user only', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        'admin.json',
        'credentials.json',
        'dispatcher.json',
        'frontend.json',
        'gateway.json',
        'nats-authorization.conf',
        'node-monitor.json',
        'store.json',
        'worker-alpha.json',
      ].sort(),
    );
    for (const f of files) expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe('600');
  });

  it('admits a namespace issued while the server runs, after a reload, and only to its own calls', async () => {
    // A connection made before the reload keeps its user: the store serves on through it.
    const store = await as('store.json');
    const issued = await runCli(
      ['credentials', 'worker', 'beta', '--dir', dir, '--out', join(dir, 'beta.json')],
      dir,
    );
    expect(issued.code).toBe(0);
    server.server.reload();
    const served = serveRpc(store, names.workQueueRpc('beta', 'getConfig'), async () => ({ ok: 'beta' }));
    await store.flush();
    let beta: Awaited<ReturnType<typeof as>> | undefined;
    for (let i = 0; i < 50 && !beta; i++) beta = await as('beta.json').catch(() => undefined);
    expect(beta).toBeDefined();
    expect(await requestRpc(beta!, names.workQueueRpc('beta', 'getConfig'), {}, 3_000)).toEqual({
      ok: 'beta',
    });
    await expect(requestRpc(beta!, names.workQueueRpc('alpha', 'getConfig'), {}, 3_000)).rejects.toThrow(
      /refused .* to publish on psr\.rpc\.wq\.alpha\.getConfig/,
    );
    served.unsubscribe();
    await Promise.all([beta!.close(), store.close()]);
  });

  it('refuses to write over them, and keeps them when asked to, as a setup step run again does', async () => {
    const before = readFileSync(join(dir, 'admin.json'), 'utf8');
    const again = await runCli(['credentials', 'generate', '--out', dir], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/holds credentials already; keep them \(--keep-existing\)/);
    const kept = await runCli(['credentials', 'generate', '--out', dir, '--keep-existing'], dir);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(
      /holds credentials of prefix psr already: kept, nats-authorization.conf rewritten/,
    );
    expect(readFileSync(join(dir, 'admin.json'), 'utf8')).toBe(before);
    // The users stay, the worker issued for beta among them, with the permissions of this version.
    const authorization = readFileSync(join(dir, AUTHORIZATION_FILE), 'utf8');
    expect(authorization).toContain(readOneCredential(join(dir, 'beta.json')).user);
    expect(authorization).toContain('$JS.API.STREAM.DELETE.>');
  });
});
