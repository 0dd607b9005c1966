import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, encodeValue } from '@passerine/cbor';
import type { WorkQueueClient } from '@passerine/client';
import { startStore } from '@passerine/store/testing';
import { runCli, startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The audit views as real `passerine` processes over a log a store replica in this process wrote:
 * a unit's and a worker's history in words, the state as it was at a sequence, and event data
 * decoded for people.
 */
let server: TestServer;
let client: WorkQueueClient;
let stopStore: () => Promise<void>;
let prefix: string;
let cwd: string;
/** The log's last sequence after the first finish, before the failure. */
let midSeq = 0;

const cbor = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));

beforeAll(async () => {
  server = await startTestServer();
  const started = await startStore(await server.connect());
  prefix = started.names.prefix;
  client = started.client;
  stopStore = () => started.store.stop();
  cwd = await mkdtemp(join(tmpdir(), 'passerine-audit-'));

  await client.call('setWorkSpec', { spec: cbor({ name: 'crawl' }) });
  await client.call('addWorkUnits', {
    spec: 'crawl',
    units: [
      { key: 'u1', data: cbor({ url: 'https://one' }) },
      { key: 'u2', data: cbor({ url: 'https://two' }), priority: 5 },
      { key: 'u3', data: cbor({}) },
    ],
  });
  const take = async () =>
    (
      await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
        workerId: 'w1',
        maxJobs: 1,
        specs: ['crawl'],
      })
    )[0];
  const first = await take(); // u2: the highest priority
  await client.call('finishAttempt', { attemptId: first.attempt_id, data: cbor({ done: true }) });
  midSeq = Number(
    (await passerine('events', 'replay', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq)
      .pop(),
  );
  const second = await take(); // u1
  await client.call('failAttempt', {
    attemptId: second.attempt_id,
    data: cbor({ traceback: 'Traceback (most recent call last):\nValueError: bad page' }),
  });
}, 120_000);

afterAll(async () => {
  await stopStore?.();
  await server?.stop();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

function passerine(...args: string[]) {
  return runCli([...args, '--nats-url', server.url, '--prefix', prefix], cwd);
}

describe('passerine events audit', () => {
  it("tells a unit's history in words: who, what, when, at which sequence", async () => {
    const { stdout, code } = await passerine('events', 'audit', 'unit', 'crawl', 'u1');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#\d+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}client: added with priority 0$/);
    expect(lines[1]).toMatch(/worker w1: took it \(attempt \S+\), lease until /);
    expect(lines[2]).toMatch(/worker w1: failed attempt \S+: ValueError: bad page$/);
    const seqs = lines.map((l) => Number(/^#(\d+)/.exec(l)![1]));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("tells a worker's history, and decodes the data of the events it prints as JSON", async () => {
    const { stdout } = await passerine('events', 'audit', 'worker', 'w1');
    expect(stdout).toMatch(/worker w1: took from crawl: u2 \(attempt/);
    expect(stdout).toMatch(/worker w1: finished attempt \S+ crawl u2/);
    expect(stdout).toMatch(/worker w1: failed attempt \S+ crawl u1: ValueError: bad page/);
    const json = (await passerine('events', 'audit', 'unit', 'crawl', 'u2', '--json')).stdout
      .trim()
      .split('\n');
    const added = JSON.parse(json[0]);
    expect(added.data.units[1]).toEqual({ key: 'u2', data: { $cbor: { url: 'https://two' } }, priority: 5 });
    expect(json.join('\n')).not.toContain('"type":"Buffer"');
  });

  it('refuses what the log has no event of, with one line naming it', async () => {
    const missing = await passerine('events', 'audit', 'unit', 'crawl', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'passerine: no events of work unit "nope" of spec crawl in the log (not_found)',
    );
    const job = await passerine('events', 'audit', 'job', 'no-such-job');
    expect(job.stderr.trim()).toBe('passerine: no events of job no-such-job in the log (not_found)');
  });
});

describe('passerine events replay --summary', () => {
  it('prints the state as it was at the end, and at an earlier sequence', async () => {
    const now = (await passerine('events', 'replay', '--summary')).stdout;
    expect(now).toContain('namespace default: 1 work spec(s), 0 worker(s)');
    expect(now).toContain('  crawl: available 1, pending 0, finished 1, failed 1');
    expect(now).toContain('jobs: 0');
    const then = (await passerine('events', 'replay', '--until', String(midSeq), '--summary')).stdout;
    expect(then).toContain(`state as of #${midSeq}`);
    expect(then).toContain('  crawl: available 2, pending 0, finished 1, failed 0');
    const json = JSON.parse(
      (await passerine('events', 'replay', '--until', String(midSeq), '--summary', '--json')).stdout,
    );
    expect(json.namespaces.default[0]).toEqual({
      spec: 'crawl',
      paused: false,
      counts: { available: 2, blocked: 0, pending: 0, finished: 1, failed: 0 },
    });
  });

  it('prints events with their CBOR data decoded, not as Buffer numbers', async () => {
    const { stdout } = await passerine('events', 'replay');
    expect(stdout).not.toContain('"type":"Buffer"');
    expect(stdout).toMatch(/WorkUnitsAdded .*"\$cbor":\{"url":"https:\/\/one"\}/);
  });
});
