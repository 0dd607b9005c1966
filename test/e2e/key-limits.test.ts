import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import { awaitJob, submitJob } from '@passerine/scheduling-protocol';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontendFailoverRig } from './frontend-processes.ts';

const JOBS = 8;
const TASKS_PER_JOB = 3;

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
    const jobIds = Array.from({ length: JOBS }, (_, i) => `limited-${i}`);
    await Promise.all(
      jobIds.map((id) =>
        submitJob(nc, names, {
          id,
          limit: { key: 'tenant-a', running: 3 },
          tasks: Array.from({ length: TASKS_PER_JOB }, (_, t) => ({
            id: `t${t}`,
            command: { command: 'sh', args: ['-c', script], env: { PASSERINE_JOB_MARK: `${id}-${t}` } },
          })),
        }),
      ),
    );
    const results = await Promise.all(jobIds.map((id) => awaitJob(nc, names, id, 120_000)));
    expect(results.map((r) => [r.status, r.finished])).toEqual(
      jobIds.map(() => ['completed', TASKS_PER_JOB]),
    );

    const seen = (await readFile(counts, 'utf8')).trim().split('\n').map(Number);
    expect(seen).toHaveLength(JOBS * TASKS_PER_JOB);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);

    // Both frontends took jobs: the budget was shared, not kept by one of them.
    const owners = new Set<string>();
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    for await (const record of log.read({ filter: names.allJobEvents })) {
      if (record.kind !== 'commit') continue;
      for (const event of record.events)
        if (event.type === 'JobSubmitted') owners.add((event.data as { frontendId: string }).frontendId);
    }
    expect([...owners].sort()).toEqual(['fe-a', 'fe-b']);
  });
});
