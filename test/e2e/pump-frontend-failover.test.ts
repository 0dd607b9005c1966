import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, encodeValue } from '@passerine/cbor';
import { provision } from '@passerine/eventlog';
import { WorkQueueClient } from '@passerine/client';
import { processAlive } from '@passerine/executors';
import type { NatsConnection } from '@passerine/natsconn';
import { createStoreService } from '@passerine/store';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontendFailoverRig } from './frontend-processes.ts';

const FINISHED = 4;

describe('a frontend dies while a work unit it pumped runs', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: FrontendFailoverRig;
  let dir: string;
  let stopStore: () => Promise<void>;
  const names = createNames(uniquePrefix('pf'));

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
    dir = await mkdtemp(join(tmpdir(), 'passerine-pump-failover-'));
    rig = new FrontendFailoverRig(server, nc, names);
    const store = createStoreService(rig.ctx, { leaseTtlMs: 1_000 });
    await store.start();
    stopStore = () => store.stop();
    await rig.addNodes(2, 2);
  });

  afterAll(async () => {
    await rig?.stop();
    await stopStore?.();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops its run and lets the surviving frontend run the unit again at once', async () => {
    // Their logs are kept in memory and shown only if the test fails.
    const procs = await rig.startFrontends(['fe-a', 'fe-b'], { PASSERINE_LOG_LEVEL: 'info' });
    const client = new WorkQueueClient(nc, names);
    const go = join(dir, 'go');
    // Each run leaves its pid; the first waits (as the sleep) until the go file exists.
    const command = `echo $$ > ${dir}/pid-$PASSERINE_ATTEMPT_ID; [ -e ${go} ] && exit 0; exec sleep 60`;
    await client.call('setWorkSpec', {
      spec: encodeValue(CborMap.fromObject({ name: 'slow', runner: CborMap.fromObject({ command }) })),
    });
    await client.call('addWorkUnits', {
      spec: 'slow',
      units: [{ key: 'k1', data: encodeValue(new CborMap([])) }],
    });
    const history = () =>
      client.call<'unitHistory', Array<{ id: string; worker_id: string }>>('unitHistory', {
        spec: 'slow',
        key: 'k1',
      });
    const [first] = await waitFor(async () => ((await history()).length === 1 ? history() : undefined), {
      timeoutMs: 20_000,
      message: 'a frontend took the unit',
    });
    const pid = Number(
      await waitFor(() => readFile(join(dir, `pid-${first.id}`), 'utf8').catch(() => undefined), {
        message: 'its run started',
      }),
    );
    const victim = first.worker_id.replace('/pump', '') as 'fe-a' | 'fe-b';
    const survivor = victim === 'fe-a' ? 'fe-b' : 'fe-a';

    procs[victim].child.kill('SIGKILL');
    await procs[victim].exited;
    await writeFile(go, '');

    // Its lease is 60 s, and its worker's heartbeat lasts as long: only the release on adoption lets
    // the unit finish before that.
    const counts = () =>
      client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec: 'slow' });
    await waitFor(async () => (await counts())[FINISHED] === 1, {
      timeoutMs: 45_000,
      message: 'the unit finished',
    }).catch(async (err) => {
      const seen = `attempts ${JSON.stringify(await history())}, counts ${JSON.stringify(await counts())}`;
      throw new Error(`${err.message}; ${seen}; the surviving frontend logged:\n${procs[survivor].output()}`);
    });
    expect((await history()).map((attempt) => attempt.worker_id)).toEqual([
      `${survivor}/pump`,
      `${victim}/pump`,
    ]);
    await waitFor(() => !processAlive(pid), { message: 'the first run was stopped' });
  }, 90_000);
});
