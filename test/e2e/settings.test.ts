import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli, startTestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Nothing listens on port 1: a command that got as far as connecting would fail otherwise.
const NOWHERE = 'nats://127.0.0.1:1';

describe('a bad setting stops passerine before anything starts', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-settings-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const refused = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runCli(args, cwd, env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    return run.stderr;
  };

  it('names the variable and its range', async () => {
    expect(await refused(['serve', 'store', '--nats-url', NOWHERE], { PASSERINE_REPLICAS: 'abc' })).toBe(
      'passerine: PASSERINE_REPLICAS must be a whole number from 1 to 5, not "abc".\n',
    );
    expect(
      await refused(['serve', 'node-monitor', '--nats-url', NOWHERE], { PASSERINE_NODE_SLOTS: '0' }),
    ).toBe('passerine: PASSERINE_NODE_SLOTS must be a whole number from 1 to 10,000, not "0".\n');
    expect(await refused(['serve', 'frontend'], { PASSERINE_NATS_URL: 'http://nats:4222' })).toMatch(
      /^passerine: PASSERINE_NATS_URL must be a NATS URL .*, not "http:\/\/nats:4222"\.\n$/,
    );
  });

  it('names the flag and its range', async () => {
    expect(await refused(['serve', 'gateway', '--nats-url', NOWHERE, '--cbor-port', '99999'])).toBe(
      'passerine: --cbor-port must be a port from 1 to 65535, or 0 for any free port, not "99999".\n',
    );
    expect(await refused(['up', '--nats-port', 'auto'])).toBe(
      'passerine: --nats-port must be a port from 1 to 65535, or -1 for any free port, not "auto".\n',
    );
    // `up` had not begun: no data directory, no nats-server.
    expect(existsSync(join(cwd, '.passerine'))).toBe(false);
  });

  it('checks what client commands read too', async () => {
    expect(await refused(['jobs', 'status', 'j'], { PASSERINE_NATS_URL: 'nats://a:99999' })).toMatch(
      /^passerine: PASSERINE_NATS_URL must be a NATS URL/,
    );
    expect(await refused(['jobs', 'status', 'j', '--prefix', 'Not.A.Prefix'])).toMatch(
      /^passerine: --prefix must be 1 to 32 lower-case letters, digits, - or _, starting with a letter/,
    );
  });

  it('prints the stack after the sentence when PASSERINE_DEBUG is on', async () => {
    const stderr = await refused(['serve', 'store'], { PASSERINE_REPLICAS: '9', PASSERINE_DEBUG: '1' });
    expect(stderr).toMatch(/^passerine: PASSERINE_REPLICAS must be a whole number from 1 to 5, not "9"\.\n/);
    expect(stderr).toMatch(/ConfigError[\s\S]*at /);
    expect(await refused(['serve', 'store'], { PASSERINE_DEBUG: 'maybe' })).toBe(
      'passerine: PASSERINE_DEBUG must be one of 1, true, yes, on, 0, false, no, off, not "maybe".\n',
    );
  });
});

describe('a service is checked only for the settings it reads', () => {
  it('serves the store while a node monitor setting is bad', async () => {
    const server = await startTestServer();
    const store = spawnCli(
      ['serve', 'store', '--nats-url', server.url, '--prefix', uniquePrefix()],
      process.cwd(),
      {
        PASSERINE_NODE_SLOTS: 'many',
      },
    );
    try {
      // A process of its own starting on a busy machine: a longer wait than the suite's default.
      await waitFor(() => store.output().includes('store serving.'), {
        timeoutMs: 90_000,
        message: 'store serving',
      });
    } finally {
      store.child.kill('SIGTERM');
      expect(await store.exited).toBe(0);
      await server.stop();
    }
  }, 120_000);
});
