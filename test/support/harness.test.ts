import { jetstreamManager } from '@nats-io/jetstream';
import { processAlive } from '@passerine/executors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from './index.ts';

describe('test nats-server launcher', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs a real server with JetStream on a loopback port and tells its version', async () => {
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(server.version.major).toBeGreaterThanOrEqual(2);
    const nc = await server.connect();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
  });

  it('stops without leaving the process behind', async () => {
    const other = await startTestServer();
    const pid = other.server.pid;
    await other.stop();
    await waitFor(() => !processAlive(pid), { message: 'nats-server to exit' });
  });
});
