import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '@passerine/natsconn';
import { runCli, startComposeTopology, type Topology } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * docker-compose.yml's cluster run as processes on loopback: 3 nats-servers under the file's
 * names and 2 `passerine serve` processes of each of its services, with its environment, each
 * connecting as its role's NATS user.
 */
let topology: Topology;
let cwd: string;

beforeAll(async () => {
  topology = await startComposeTopology({ replicas: 2 });
  cwd = await mkdtemp(join(tmpdir(), 'passerine-topology-cli-'));
}, 240_000);

afterAll(async () => {
  await topology?.stop();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

function submit(tasks: number) {
  return runCli(
    [
      'jobs',
      'submit',
      '--tasks',
      String(tasks),
      '--',
      'sh',
      '-c',
      'echo on the cluster $PASSERINE_TASK_INDEX',
    ],
    cwd,
    topology.adminEnvironment,
  );
}

describe("docker-compose.yml's topology on loopback", () => {
  it('runs 3 NATS nodes named as the file names them and 2 replicas of each of its services', async () => {
    const nc = await topology.connect();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    expect(info.api).toBeDefined();
    expect(topology.nodes).toHaveLength(3);
    const services = new Set(topology.replicas.map((r) => r.service));
    expect([...services].sort()).toEqual(['dispatcher', 'frontend', 'gateway', 'node-monitor', 'store']);
    for (const service of services) {
      expect(topology.replicas.filter((r) => r.service === service)).toHaveLength(2);
    }
    // Both gateways listen on loopback, each on a port of its own.
    const cbor = topology.replicas.filter((r) => r.service === 'gateway').map((r) => r.endpoints.cbor);
    expect(cbor).toEqual([expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/), expect.any(String)]);
    expect(new Set(cbor).size).toBe(2);
  });

  it('gives each replica its own role’s credential and lets nobody in without one', async () => {
    const credentials = topology.credentials!;
    for (const replica of topology.replicas) {
      const environ = await readFile(`/proc/${replica.pid}/environ`, 'utf8');
      expect(environ.split('\0'), replica.service).toContain(
        `PASSERINE_NATS_CREDENTIALS=${credentials.fileOf(replica.service)}`,
      );
    }
    await expect(connectNats({ servers: topology.urls[0], timeoutMs: 5_000 })).rejects.toThrow(
      /authorization|auth/i,
    );
    const worker = JSON.parse(await readFile(credentials.fileOf('worker-default'), 'utf8'));
    await expect(
      connectNats({ servers: topology.urls[1], timeoutMs: 5_000, user: worker.user, pass: 'wrong' }),
    ).rejects.toThrow(/authorization|auth/i);
  });

  it('runs a job on it, keeping every stream and bucket in 3 copies', async () => {
    const run = await submit(4);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/completed \(4 finished, 0 failed\)/);

    const nc = await topology.connect();
    const jsm = await jetstreamManager(nc);
    const streams: { name: string; replicas: number }[] = [];
    for await (const s of jsm.streams.list()) {
      streams.push({ name: s.config.name, replicas: s.config.num_replicas });
    }
    // The event log, the job logs, membership, leader leases and namespaces at least.
    expect(streams.length).toBeGreaterThanOrEqual(6);
    expect(streams.filter((s) => s.replicas !== 3)).toEqual([]);
  });

  it('goes on running jobs while one NATS node is down and after it is back', async () => {
    // While the cluster moves stream leaders off the dead node, a submission may be refused as
    // unavailable (retriable); each is retried until the job completes.
    const untilCompleted = async (tasks: number) => {
      const refusals: string[] = [];
      for (;;) {
        const run = await submit(tasks);
        if (run.stdout.includes(`completed (${tasks} finished, 0 failed)`)) return refusals;
        expect(run.stderr).toMatch(/\((unavailable|timeout)\)/);
        refusals.push(run.stderr.trim());
        expect(refusals.length, refusals.join('\n')).toBeLessThan(30);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await topology.nodes[0].kill();
    await untilCompleted(3);
    await topology.restartNode(0);
    await untilCompleted(2);
    // A guard against a hang, not a measure: each step is a CLI process waiting for its job while
    // the cluster moves stream leaders, which on a busy machine can take most of a minute.
  }, 180_000);
});
