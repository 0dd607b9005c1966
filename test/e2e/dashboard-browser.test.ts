import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, encodeValue } from '@passerine/cbor';
import { WorkQueueClient } from '@passerine/client';
import { connectNats, freePort, type NatsConnection } from '@passerine/natsconn';
import { locateNatsCredential, natsAuthOptions } from '@passerine/security';
import { encodePayload, submitJob } from '@passerine/scheduling-protocol';
import { createNames, type Names } from '@passerine/subjects';
import { chromiumPath, spawnCli, waitFor } from '@passerine/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const cbor = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));

describe('the dashboard in headless Chromium, on a running instance with work in flight', () => {
  let cwd: string;
  let httpPort: number;
  let up: ReturnType<typeof spawnCli>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let nc: NatsConnection;
  let names: Names;
  let working = true;
  let worker: Promise<void>;
  const base = () => `http://127.0.0.1:${httpPort}`;

  async function startUp() {
    const process = spawnCli(
      ['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', `--http-port=${httpPort}`],
      cwd,
    );
    await waitFor(() => /Press Ctrl-C/.test(process.output()), {
      timeoutMs: 45_000,
      message: 'passerine up',
    });
    return process;
  }

  async function stopUp() {
    const exited = new Promise((resolve) => up.child.once('exit', resolve));
    up.child.kill('SIGTERM');
    await exited;
  }

  interface SpecRow {
    name: string;
    status: string;
    counts: Record<string, number>;
  }
  const specRow = async (name: string): Promise<SpecRow | undefined> => {
    const answer = (await (await fetch(`${base()}/api/v1/namespaces/default/specs`)).json()) as {
      specs: SpecRow[];
    };
    return answer.specs.find((s) => s.name === name);
  };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'passerine-dashboard-'));
    httpPort = await freePort();
    up = await startUp();
    const endpoints = JSON.parse(readFileSync(join(cwd, '.passerine', 'endpoints.json'), 'utf8'));
    const admin = locateNatsCredential({ dataDir: join(cwd, '.passerine') });
    nc = await connectNats({ servers: endpoints.nats, ...natsAuthOptions(admin) });
    names = createNames(endpoints.prefix);
    const client = new WorkQueueClient(nc, names);
    await client.call('setWorkSpec', { spec: cbor({ name: 'crawl' }) });
    await client.call('setWorkSpec', { spec: cbor({ name: 'index' }) });
    await client.call('addWorkUnits', {
      spec: 'crawl',
      units: Array.from({ length: 3_000 }, (_, i) => ({ key: `page-${i}`, data: cbor({ i }) })),
    });
    await client.call('addWorkUnits', { spec: 'index', units: [{ key: 'all', data: cbor({}) }] });
    await client.call('workerHeartbeat', { workerId: 'crawler', expireSeconds: 600 });
    // A worker that keeps work in flight: takes a few units, finishes them, fails every 500th.
    worker = (async () => {
      let n = 0;
      while (working) {
        const taken = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
          workerId: 'crawler',
          specs: ['crawl'],
          maxJobs: 5,
        });
        if (taken.length === 0) break;
        for (const t of taken) {
          if (++n % 500 === 1) {
            const traceback =
              'Traceback (most recent call last):\n  File "crawl.py", line 7\nValueError: bad page';
            await client.call('failAttempt', { attemptId: t.attempt_id, data: cbor({ traceback }) });
          } else await client.call('finishAttempt', { attemptId: t.attempt_id });
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    })().catch(() => undefined);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /could not draw/.test(message.text()))
        pageErrors.push(message.text());
    });
  });

  // A failure says what the page showed and what the instance logged, not only what was missing.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const state = await page
      ?.locator('#connection')
      .textContent()
      .catch(() => null);
    console.error(
      `dashboard connection: ${state}; page errors: ${JSON.stringify(pageErrors)}\n` +
        `passerine up said:\n${up?.output().slice(-4_000)}`,
    );
  });

  afterAll(async () => {
    working = false;
    await worker;
    await nc?.close().catch(() => undefined);
    await browser?.close();
    if (up && up.child.exitCode === null) up.child.kill('SIGKILL');
    await rm(cwd, { recursive: true, force: true });
  });

  it('shows the specs with the counts the API gives, a node row, and charts that gain points', async () => {
    await page.goto(base());
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-spec="crawl"]').waitFor({ timeout: 20_000 });
    await page.locator('#nodes tbody tr').first().waitFor({ timeout: 20_000 });

    const onScreen = async () => ({
      status: await page.locator('tr[data-spec="index"] [data-field="status"]').textContent(),
      available: Number(await page.locator('tr[data-spec="index"] [data-field="available"]').textContent()),
    });
    const index = await specRow('index');
    expect(await onScreen()).toEqual({ status: index?.status, available: index?.counts.available });
    // The crawl spec moves: its finished count on screen catches up with the API's.
    const finishedNow = (await specRow('crawl'))?.counts.finished ?? 0;
    expect(finishedNow).toBeGreaterThan(0);
    await waitFor(
      async () =>
        Number(await page.locator('tr[data-spec="crawl"] [data-field="finished"]').textContent()) >=
        finishedNow,
      { timeoutMs: 20_000, message: 'the finished count on screen' },
    );
    const points = async () => Number(await page.locator('#throughput-chart').getAttribute('data-points'));
    const before = await points();
    await waitFor(async () => (await points()) >= before + 2, {
      timeoutMs: 20_000,
      message: 'new chart points',
    });
    expect(await page.locator('#throughput-chart canvas').count()).toBeGreaterThan(0);
    await page.locator('#failures pre').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#failures').textContent()).toContain('ValueError: bad page');
    if (process.env.PASSERINE_DASHBOARD_SCREENSHOT) {
      await page.screenshot({ path: process.env.PASSERINE_DASHBOARD_SCREENSHOT, fullPage: true });
    }
  });

  it('pauses a spec with its button, as the API then says', async () => {
    await page.locator('tr[data-spec="index"] button[data-action="pause"]').click();
    await waitFor(async () => (await specRow('index'))?.status === 'paused', {
      timeoutMs: 20_000,
      message: 'index paused through the API',
    });
    await page.locator('tr[data-spec="index"] button[data-action="resume"]').waitFor({ timeout: 20_000 });
  });

  it('lists a running job and cancels it, and redrives a dead letter: the API shows it gone, the unit back', async () => {
    working = false;
    await worker;
    // biome-ignore lint/suspicious/noExplicitAny: answers are read as the API gives them
    const get = async (path: string): Promise<any> => (await fetch(`${base()}${path}`)).json();
    await submitJob(nc, names, {
      id: 'long-run',
      tasks: [{ id: 't0', payload: encodePayload({ kind: 'sleep', ms: 120_000 }) }],
    });
    const running = page.locator('#running tr[data-job="long-run"]');
    await running.waitFor({ timeout: 20_000 });
    expect(await running.locator('[data-field="tasks"]').textContent()).toBe('1');

    const letters = async () =>
      ((await get('/api/v1/namespaces/default/deadletters/units')).deadLetters as Array<{ id: string }>).map(
        (l) => l.id,
      );
    const [dead] = await letters();
    expect(dead).toMatch(/^crawl\/page-/);
    await page.locator('#deadletters-refresh').click();
    const row = page.locator(`#deadletters tr[data-letter="unit:${dead}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('button[data-action="redrive"]').click();
    await waitFor(async () => !(await letters()).includes(dead), {
      timeoutMs: 20_000,
      message: `${dead} gone from the dead letters`,
    });
    const key = dead.slice('crawl/'.length);
    expect((await get(`/api/v1/namespaces/default/specs/crawl/units/${key}`)).status).toBe('available');
    await row.waitFor({ state: 'detached', timeout: 20_000 });

    await running.locator('button[data-action="cancel"]').click();
    await waitFor(async () => (await get('/api/v1/jobs/long-run')).status === 'cancelled', {
      timeoutMs: 20_000,
      message: 'long-run cancelled through the API',
    });
    await running.waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('has drawn every snapshot so far without an error in the page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('reconnects by itself when passerine up and its nats-server restart', async () => {
    working = false;
    await worker;
    await nc.close();
    await stopUp();
    await page.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: 20_000 });
    up = await startUp();
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 45_000 });
    // The state survived in the store, and the page shows it again without a reload.
    await page
      .locator('tr[data-spec="index"] [data-field="status"]', { hasText: 'paused' })
      .waitFor({ timeout: 30_000 });
    expect(existsSync(join(cwd, '.passerine', 'jetstream'))).toBe(true);
  });
});
