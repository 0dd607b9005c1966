import { provision } from '@passerine/cli';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { awaitJob, jobStatus, submitJob } from '@passerine/frontend';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { encodePayload, NodeMonitor, openMembershipBucket } from '@passerine/node-monitor';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FAST_ENV = { PASSERINE_HEARTBEAT_MS: '100', PASSERINE_STALE_AFTER_MS: '800' };

describe('a frontend dies', () => {
  let server: TestServer;
  let nc: NatsConnection;
  const names = createNames(uniquePrefix('fo'));
  const nodes: NodeMonitor[] = [];
  const processes: ReturnType<typeof spawnCli>[] = [];

  function startFrontend(id: string) {
    const proc = spawnCli(
      ['serve', 'frontend', '--nats-url', server.url, '--prefix', names.prefix],
      process.cwd(),
      {
        ...FAST_ENV,
        PASSERINE_FRONTEND_ID: id,
      },
    );
    processes.push(proc);
    return proc;
  }

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    const ctx: ServiceContext = {
      nc,
      names,
      logger: silentLogger(),
      clock: systemClock,
      ids: randomIdSource(),
    };
    for (let i = 0; i < 3; i++) {
      const node = new NodeMonitor(ctx, { id: `n${i}`, slots: 2, heartbeatMs: 100 });
      await node.start();
      nodes.push(node);
    }
  });

  afterAll(async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    for (const node of nodes) await node.stop();
    await server?.stop();
  });

  it('another frontend adopts its unfinished jobs and they finish', async () => {
    const procs = { 'fe-a': startFrontend('fe-a'), 'fe-b': startFrontend('fe-b') };
    const bucket = await openMembershipBucket(nc, names.frontendBucket);
    await waitFor(async () => (await bucket.get('fe-a')) && (await bucket.get('fe-b')), {
      timeoutMs: 30_000,
      message: 'both frontends up',
    });
    // More work than slots, so some tasks still wait when their frontend dies.
    const jobIds = Array.from({ length: 6 }, (_, i) => `job-${i}`);
    for (const id of jobIds) {
      const tasks = Array.from({ length: 3 }, (_, t) => ({
        id: `t${t}`,
        payload: encodePayload({ kind: 'sleep', ms: 700 }),
      }));
      await submitJob(nc, names, { id, tasks }, 15_000);
    }
    const owners = await Promise.all(jobIds.map(async (id) => (await jobStatus(nc, names, id)).frontendId));
    const victim = owners[0] as 'fe-a' | 'fe-b';
    const survivor = victim === 'fe-a' ? 'fe-b' : 'fe-a';
    procs[victim].child.kill('SIGKILL');
    await procs[victim].exited;

    const results = await Promise.all(jobIds.map((id) => awaitJob(nc, names, id, 45_000)));
    for (const result of results) {
      expect(result.status).toBe('completed');
      expect(result.finished).toBe(3);
    }
    const orphaned = jobIds.filter((_, i) => owners[i] === victim);
    for (const id of orphaned) expect((await jobStatus(nc, names, id)).frontendId).toBe(survivor);
    await waitFor(() => nodes.every((n) => n.state().freeSlots === 2), { message: 'slots back' });
  }, 90_000);
});
