import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import { awaitJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontendFailoverRig } from './frontend-processes.ts';

const JOBS = 8;
const TASKS_PER_JOB = 3;

/** The frontends that took the jobs submitted so far, as their JobSubmitted events say. */
async function jobOwners(nc: NatsConnection, stream: string, filter: string): Promise<Set<string>> {
  const owners = new Set<string>();
  const log = new JetStreamEventLog(nc, { stream });
  for await (const record of log.read({ filter })) {
    if (record.kind !== 'commit') continue;
    for (const event of record.events)
      if (event.type === 'JobSubmitted') owners.add((event.data as { frontendId: string }).frontendId);
  }
  return owners;
}

describe('a per-key limit shared by two frontends', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: FrontendFailoverRig;
  let dir: string;
  const names = createNames(uniquePrefix('kl'));

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    dir = await mkdtemp(join(tmpdir(), 'passerine-key-limits-'));
    rig = new FrontendFailoverRig(server, nc, names);
    // 16 slots: room for every task at once, were it not for the limit.
    await rig.addNodes(4, 4);
    await rig.startFrontends(['fe-a', 'fe-b']);
  });

  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('never runs more than 3 tasks of the key at once, as the tasks themselves count', async () => {
    const running = join(dir, 'running');
    await mkdir(running);
    const counts = join(dir, 'counts');
    // Each task leaves a marker while it runs and writes down how many markers it sees: a task
    // that sees N markers ran with N - 1 others (markers go before the task ends, holds after).
    const script = `m=${running}/$PASSERINE_JOB_MARK-$$; touch $m; ls ${running} | wc -l >> ${counts}; sleep 0.3; rm $m`;
    const submitLimited = (id: string) =>
      submitJob(nc, names, {
        id,
        limit: { key: 'tenant-a', running: 3 },
        tasks: Array.from({ length: TASKS_PER_JOB }, (_, t) => ({
          id: `t${t}`,
          command: { command: 'sh', args: ['-c', script], env: { PASSERINE_JOB_MARK: `${id}-${t}` } },
        })),
      });
    const jobIds = Array.from({ length: JOBS }, (_, i) => `limited-${i}`);
    await Promise.all(jobIds.map(submitLimited));
    // The queue group hands each submit to a frontend at random, so now and then one takes all
    // eight: more jobs go in, while the first ones still hold the budget, until both own some.
    // The point is that the budget is shared, and it cannot be shared by a frontend with no job.
    let owners = await jobOwners(nc, names.eventStream, names.allJobEvents);
    while (owners.size < 2 && jobIds.length < JOBS * 3) {
      const id = `limited-${jobIds.length}`;
      jobIds.push(id);
      await submitLimited(id);
      owners = await jobOwners(nc, names.eventStream, names.allJobEvents);
    }
    expect([...owners].sort()).toEqual(['fe-a', 'fe-b']);

    const results = await Promise.all(jobIds.map((id) => awaitJob(nc, names, id, 120_000)));
    expect(results.map((r) => [r.status, r.finished])).toEqual(
      jobIds.map(() => ['completed', TASKS_PER_JOB]),
    );

    const seen = (await readFile(counts, 'utf8')).trim().split('\n').map(Number);
    expect(seen).toHaveLength(jobIds.length * TASKS_PER_JOB);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
  });
});

describe('a per-key limit when a frontend dies mid-run', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: FrontendFailoverRig;
  let dir: string;
  const names = createNames(uniquePrefix('kc'));

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    dir = await mkdtemp(join(tmpdir(), 'passerine-key-crash-'));
    rig = new FrontendFailoverRig(server, nc, names);
    await rig.addNodes(4, 4);
  });

  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the limit while the survivor adopts the dead frontend’s jobs, and every task ends', async () => {
    const frontends = await rig.startFrontends(['fe-c', 'fe-d']);
    const running = join(dir, 'running');
    await mkdir(running);
    const counts = join(dir, 'counts');
    const script = `m=${running}/$$; touch $m; ls ${running} | wc -l >> ${counts}; sleep 0.5; rm $m`;
    const jobIds = Array.from({ length: 6 }, (_, i) => `crash-${i}`);
    await Promise.all(
      jobIds.map((id) =>
        submitJob(nc, names, {
          id,
          limit: { key: 'tenant-b', running: 3 },
          tasks: Array.from({ length: 3 }, (_, t) => ({
            id: `t${t}`,
            command: { command: 'sh', args: ['-c', script] },
          })),
        }),
      ),
    );
    // Some tasks have run: then one frontend dies with its jobs' holds out on the nodes.
    await waitFor(
      async () => (await readFile(counts, 'utf8').catch(() => '')).trim().split('\n').length >= 3,
      {
        message: 'the first tasks to run',
      },
    );
    const victim = (await jobStatus(nc, names, jobIds[0])).frontendId as 'fe-c' | 'fe-d';
    frontends[victim].child.kill('SIGKILL');
    await frontends[victim].exited;
    const results = await Promise.all(jobIds.map((id) => awaitJob(nc, names, id, 120_000)));
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const seen = (await readFile(counts, 'utf8')).trim().split('\n').map(Number);
    expect(seen.length).toBeGreaterThanOrEqual(jobIds.length * 3);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
  }, 180_000);
});
