import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, encodeValue } from '@passerine/cbor';
import type { WorkQueueClient } from '@passerine/client';
import { runCli, startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStore } from '@passerine/store/testing';

/**
 * The work-queue commands run as real `passerine` processes against a real nats-server and a store
 * replica running in this process on its own prefix.
 */
let server: TestServer;
let client: WorkQueueClient;
let stopStore: () => Promise<void>;
let prefix: string;
let cwd: string;

// Every step runs the CLI as a process of its own, seconds each on a busy machine: a longer
// guard than the suite's 60 s per test.
vi.setConfig({ testTimeout: 180_000 });

beforeAll(async () => {
  server = await startTestServer();
  prefix = uniquePrefix();
  const started = await startStore(await server.connect(), { prefix });
  client = started.client;
  stopStore = () => started.store.stop();
  cwd = await mkdtemp(join(tmpdir(), 'passerine-cli-wq-'));
});

afterAll(async () => {
  await stopStore?.();
  await server?.stop();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

function passerine(...args: string[]) {
  return runCli([...args, '--nats-url', server.url, '--prefix', prefix], cwd);
}

async function ok(...args: string[]) {
  const result = await passerine(...args);
  expect(result.stderr.includes('passerine:') ? result.stderr : '', `passerine ${args.join(' ')}`).toBe('');
  expect(result.code).toBe(0);
  return result;
}

async function writeLines(name: string, lines: string[]): Promise<string> {
  const path = join(cwd, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const cbor = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));

describe('passerine specs', () => {
  it('sets a spec from JSON, shows it, pauses and resumes it', async () => {
    const file = join(cwd, 'spec.json');
    await writeFile(file, JSON.stringify({ name: 'crawl', weight: 5, priority: 2, max_retries: 3 }));
    expect((await ok('specs', 'set', file)).stdout).toContain('set work spec crawl');

    const shown = JSON.parse((await ok('specs', 'show', 'crawl', '--json')).stdout);
    expect(shown.spec).toEqual({ name: 'crawl', weight: 5, priority: 2, max_retries: 3 });
    expect(shown.meta).toMatchObject({ status: 'runnable', weight: 5, priority: 2 });

    await ok('specs', 'pause', 'crawl');
    expect(JSON.parse((await ok('specs', 'show', 'crawl', '--json')).stdout).meta.status).toBe('paused');
    expect((await ok('specs', 'list')).stdout).toMatch(/crawl\s+paused\s+5/);
    await ok('specs', 'resume', 'crawl');
    expect(JSON.parse((await ok('specs', 'list', '--json')).stdout)).toContainEqual({
      name: 'crawl',
      status: 'runnable',
      weight: 5,
    });
  });

  it('refuses a spec file without a name, and an unknown spec, with one clear line', async () => {
    const file = join(cwd, 'nameless.json');
    await writeFile(file, JSON.stringify({ weight: 1 }));
    const bad = await passerine('specs', 'set', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`passerine: ${file}: a work spec needs a non-empty "name"`);

    const missing = await passerine('specs', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^passerine: no such work_spec 'nope'/);
  });
});

describe('passerine units add and summary', () => {
  it('loads a JSON-lines file in batches with progress, then summarises it', async () => {
    await client.call('setWorkSpec', { spec: cbor({ name: 'bulk' }) });
    const lines = Array.from({ length: 25_000 }, (_, i) =>
      JSON.stringify({
        key: `u${String(i).padStart(5, '0')}`,
        data: { n: i },
        ...(i === 7 ? { priority: 9 } : {}),
      }),
    );
    const file = await writeLines('bulk.jsonl', lines);
    const added = await ok('units', 'add', 'bulk', file);
    expect(added.stdout.trim()).toBe('added 25000 unit(s) to bulk');
    // stderr is a pipe here, so progress comes as plain counts, one line per batch of ≤ 10,000.
    expect(added.stderr.trim().split('\n')).toEqual([
      'adding to bulk: 10000/25000',
      'adding to bulk: 20000/25000',
      'adding to bulk: 25000/25000',
    ]);

    const summary = await ok('summary');
    expect(summary.stdout).toMatch(/^work spec\s+available\s+pending\s+finished\s+failed\s+total\s+status\n/);
    expect(summary.stdout).toMatch(/\nbulk\s+25000\s+0\s+0\s+0\s+25000\s+runnable/);
    const json = JSON.parse((await ok('summary', '--json')).stdout);
    expect(json.find((s: { work_spec: string }) => s.work_spec === 'bulk')).toMatchObject({
      counts: { available: 25000, pending: 0, finished: 0, failed: 0 },
      total: 25000,
    });
  });

  it('reports a bad line by its number and adds nothing from the file', async () => {
    await client.call('setWorkSpec', { spec: cbor({ name: 'careful' }) });
    const badJson = await writeLines('bad-json.jsonl', [
      '{"key": "a"}',
      '{"key": "b"}',
      '{"key": "c", oops}',
    ]);
    const first = await passerine('units', 'add', 'careful', badJson);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(new RegExp(`^passerine: ${badJson}:3: not valid JSON`));

    const noKey = await writeLines('no-key.jsonl', ['{"key": "a"}', '', '{"data": {"x": 1}}']);
    const second = await passerine('units', 'add', 'careful', noKey);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`passerine: ${noKey}:3: missing "key"`);

    expect(await client.call('countWorkUnits', { spec: 'careful' })).toEqual({});
  });

  it('answers an unknown spec without adding anything', async () => {
    const file = await writeLines('orphan.jsonl', ['{"key": "a"}']);
    const result = await passerine('units', 'add', 'nowhere', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no such work_spec 'nowhere'/);
  });
});

describe('passerine units list, status, history, prioritize, delete', () => {
  it('lists units with their state, and shows the status and attempts of one that ran', async () => {
    await client.call('setWorkSpec', { spec: cbor({ name: 'jobs' }) });
    const file = await writeLines('jobs.jsonl', [
      JSON.stringify({ key: 'a', data: { url: 'http://a' } }),
      JSON.stringify({ key: 'b', data: { url: 'http://b' } }),
      JSON.stringify({ key: { $bytes: Buffer.from([0xff, 0x00]).toString('base64') }, data: {} }),
    ]);
    await ok('units', 'add', 'jobs', file);
    const [work] = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
      workerId: 'w1',
      specs: ['jobs'],
      leaseSeconds: 60,
    });
    await client.call('finishAttempt', { attemptId: work.attempt_id });

    const listed = (await ok('units', 'list', 'jobs', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(listed).toHaveLength(3);
    expect(listed.map((u) => u.key)).toEqual([
      'a',
      'b',
      { $bytes: Buffer.from([0xff, 0x00]).toString('base64') },
    ]);
    expect(listed[0].data).toEqual({ url: 'http://a' });
    const finishedKey = listed.find((u) => u.status === 'finished').key;

    const table = (await ok('units', 'list', 'jobs', '--state', 'available')).stdout;
    expect(table).toMatch(/^key\s+status\s+worker\s+data/);
    expect(table.trim().split('\n')).toHaveLength(3);
    expect(table).toContain("b'\\xff\\x00'");

    const limited = await ok('units', 'list', 'jobs', '--limit', '1');
    expect(limited.stderr).toContain('more units follow; continue with --start "b"');

    const status = JSON.parse((await ok('units', 'status', 'jobs', finishedKey, '--json')).stdout);
    expect(status).toMatchObject({ key: finishedKey, status: 'finished', worker_id: 'w1' });
    const byteKey = JSON.parse(
      (await ok('units', 'status', 'jobs', 'ff00', '--key-format', 'hex', '--json')).stdout,
    );
    expect(byteKey).toMatchObject({ key: { $bytes: '/wA=' }, status: 'available' });
    const unknown = (await ok('units', 'status', 'jobs', 'zzz')).stdout;
    expect(unknown).toMatch(/zzz\s+no such unit/);

    const history = (await ok('units', 'history', 'jobs', finishedKey)).stdout;
    expect(history).toMatch(/^attempt\s+worker\s+status\s+started\s+ended/);
    expect(history).toMatch(/\n\S+\s+w1\s+finished\s+\d{4}-/);
    const attempts = (await ok('units', 'history', 'jobs', finishedKey, '--json')).stdout.trim().split('\n');
    expect(attempts.map((l) => JSON.parse(l).status)).toEqual(['finished']);
  });

  it('prioritizes and deletes units, asking for an explicit selection', async () => {
    await client.call('setWorkSpec', { spec: cbor({ name: 'trim' }) });
    await ok(
      'units',
      'add',
      'trim',
      await writeLines('trim.jsonl', ['{"key":"x"}', '{"key":"y"}', '{"key":"z"}']),
    );
    await ok('units', 'prioritize', 'trim', 'z', '--priority', '10');
    const [next] = await client.call<'getWork', Array<{ work_unit_key: string }>>('getWork', {
      workerId: 'w2',
      specs: ['trim'],
    });
    expect(next.work_unit_key).toBe('z');

    const vague = await passerine('units', 'delete', 'trim');
    expect(vague.code).toBe(1);
    expect(vague.stderr).toContain('exactly one of --keys, --state or --all');
    expect((await ok('units', 'delete', 'trim', '--keys', 'x')).stdout.trim()).toBe(
      'deleted 1 unit(s) from trim',
    );
    expect((await ok('units', 'delete', 'trim', '--state', 'pending')).stdout.trim()).toBe(
      'deleted 1 unit(s) from trim',
    );
    expect(await client.call('countWorkUnits', { spec: 'trim' })).toEqual({ 1: 1 });
    expect((await ok('units', 'delete', 'trim', '--all')).stdout.trim()).toBe('deleted 1 unit(s) from trim');
  });

  it('retries failed units, refusing a unit that has not failed', async () => {
    await client.call('setWorkSpec', { spec: cbor({ name: 'again' }) });
    await ok('units', 'add', 'again', await writeLines('again.jsonl', ['{"key":"p"}', '{"key":"q"}']));
    await client.call('workerHeartbeat', { workerId: 'w3', expireSeconds: 60 });
    const taken = await client.call<'getWork', Array<{ attempt_id: string; work_unit_key: string }>>(
      'getWork',
      {
        workerId: 'w3',
        specs: ['again'],
        maxJobs: 2,
      },
    );
    for (const work of taken) await client.call('failAttempt', { attemptId: work.attempt_id });

    const notFailed = await passerine('units', 'retry', 'again', 'p', 'nope');
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toMatch(/no work unit "nope"/);
    expect((await ok('units', 'retry', 'again', 'p')).stdout.trim()).toBe(
      '1 failed unit(s) of again made available again',
    );
    const twice = await passerine('units', 'retry', 'again', 'p');
    expect(twice.stderr).toMatch(/"p" has not failed/);
    expect((await ok('units', 'retry', 'again', '--all-failed')).stdout.trim()).toBe(
      '1 failed unit(s) of again made available again',
    );
    expect(await client.call('countWorkUnits', { spec: 'again' })).toEqual({ 1: 2 });
  });
});

describe('passerine workers', () => {
  it('lists a worker after its heartbeat and shows its data and held work', async () => {
    await client.call('workerHeartbeat', {
      workerId: 'worker-7',
      mode: 'RUN',
      expireSeconds: 600,
      data: cbor({ host: 'box-1', pid: 42 }),
    });
    const listed = await ok('workers', 'list');
    expect(listed.stdout).toMatch(/^worker\s+mode/);
    expect(listed.stdout).toMatch(/\nworker-7\s+RUN/);
    expect(JSON.parse((await ok('workers', 'list', '--json')).stdout)).toContainEqual({
      worker_id: 'worker-7',
      mode: 'RUN',
    });

    const shown = JSON.parse((await ok('workers', 'show', 'worker-7', '--json')).stdout);
    expect(shown).toMatchObject({
      worker_id: 'worker-7',
      mode: 'RUN',
      data: { host: 'box-1', pid: 42 },
      attempts: [],
    });
    const missing = await passerine('workers', 'show', 'ghost');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("passerine: no such worker 'ghost' in namespace default");
  });

  it('keeps namespaces apart', async () => {
    const other = await ok('workers', 'list', '--namespace', 'elsewhere');
    expect(other.stdout.trim()).toBe('no workers in namespace elsewhere');
  });
});
