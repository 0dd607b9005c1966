import { provision } from '@passerine/eventlog';
import { awaitJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { NatsConnection } from '@passerine/natsconn';
import { encodePayload } from '@passerine/node-monitor';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontendFailoverRig } from './frontend-processes.ts';

describe('a frontend dies', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: FrontendFailoverRig;
  const names = createNames(uniquePrefix('fo'));

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    rig = new FrontendFailoverRig(server, nc, names);
    await rig.addNodes(3, 2);
  });

  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
  });

  it('another frontend adopts its unfinished jobs and they finish', async () => {
    const procs = await rig.startFrontends(['fe-a', 'fe-b']);
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
    await waitFor(() => rig.nodes.every((n) => n.state().freeSlots === 2), { message: 'slots back' });
  }, 90_000);
});
