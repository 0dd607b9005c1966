import { provision } from '@passerine/eventlog';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { Frontend } from '@passerine/frontend';
import { awaitJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { encodePayload, NodeMonitor } from '@passerine/node-monitor';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a node monitor dies', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let ctx: ServiceContext;
  let frontend: Frontend;
  const names = createNames(uniquePrefix('nf'));
  const started: Array<{ stop(): Promise<void> }> = [];
  let doomed: ReturnType<typeof spawnCli> | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    ctx = { nc, names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() };
    frontend = new Frontend(ctx, { heartbeatMs: 100, staleAfterMs: 800 });
    await frontend.start();
    started.push(frontend);
  });

  afterAll(async () => {
    if (doomed && doomed.child.exitCode === null) doomed.child.kill('SIGKILL');
    await doomed?.exited;
    for (const service of started.reverse()) await service.stop();
    await server?.stop();
  });

  it('retries its running task on another node', async () => {
    doomed = spawnCli(
      ['serve', 'node-monitor', '--nats-url', server.url, '--prefix', names.prefix],
      process.cwd(),
      {
        PASSERINE_NODE_ID: 'doomed',
        PASSERINE_NODE_SLOTS: '1',
        PASSERINE_HEARTBEAT_MS: '100',
      },
    );
    await waitFor(() => frontend.liveNodes === 1, { timeoutMs: 30_000, message: 'the doomed node up' });
    await submitJob(nc, names, {
      id: 'retry-me',
      maxRetries: 2,
      tasks: [{ id: 't', payload: encodePayload({ kind: 'sleep', ms: 1_500 }) }],
    });
    await waitFor(async () => (await jobStatus(nc, names, 'retry-me')).tasks[0].status === 'running', {
      message: 'task running on the doomed node',
    });

    const survivor = new NodeMonitor(ctx, { id: 'survivor', slots: 1, heartbeatMs: 100 });
    await survivor.start();
    started.push(survivor);
    await waitFor(() => frontend.liveNodes === 2, { message: 'survivor seen' });
    doomed.child.kill('SIGKILL');

    const result = await awaitJob(nc, names, 'retry-me', 30_000);
    expect(result).toMatchObject({ status: 'completed', finished: 1 });
    expect(result.tasks[0]).toMatchObject({ nodeId: 'survivor', attempts: 2 });
  }, 60_000);
});
