import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { startStore } from '@passerine/store/testing';
import { chromiumPath, startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';
import { cbor } from './test-operations.ts';

const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';

let server: TestServer;
let dir: string;
let stopStore: () => Promise<void>;
let gateway: GatewayService;
let browser: Browser;
let page: Page;

const specStatus = async () => {
  const res = await fetch(`http://127.0.0.1:${gateway.ports.http}/api/v1/namespaces/default/specs/crawl`, {
    headers: { authorization: `Bearer ${OPERATOR}` },
  });
  return ((await res.json()) as { status: string }).status;
};

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'passerine-dashboard-tokens-'));
  const nc = await server.connect();
  const store = await startStore(nc);
  stopStore = () => store.store.stop();
  await store.client.call('setWorkSpec', { spec: cbor({ name: 'crawl' }) });
  writeFileSync(join(dir, 'tokens'), `${VIEWER} viewer\n${OPERATOR} operator\n`);
  gateway = createGatewayService(
    { nc, names: store.names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() },
    { cborPort: 0, grpcPort: 0, httpPort: 0, edgeTokens: join(dir, 'tokens') },
  );
  await gateway.start();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await stopStore?.();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the dashboard on a gateway that asks for tokens', () => {
  it('asks for a token, goes live with it, and shows a refused action as refused', async () => {
    await page.goto(`http://127.0.0.1:${gateway.ports.http}/`);
    await page.locator('#token-form:not([hidden])').waitFor({ timeout: 20_000 });
    await page.locator('#token').fill(VIEWER);
    await page.locator('#token-form button').click();
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-spec="crawl"]').waitFor({ timeout: 20_000 });

    await page.locator('tr[data-spec="crawl"] button[data-action="pause"]').click();
    await page
      .locator('#message', { hasText: 'a viewer token may not make this call' })
      .waitFor({ timeout: 20_000 });
    expect(await specStatus()).toBe('runnable');

    // An operator's token, given to the same tab, acts.
    await page.locator('#token-form').evaluate((form) => {
      form.hidden = false;
    });
    await page.locator('#token').fill(OPERATOR);
    await page.locator('#token-form button').click();
    await page.locator('tr[data-spec="crawl"] button[data-action="pause"]').click();
    await waitFor(async () => (await specStatus()) === 'paused', { message: 'crawl paused by the operator' });
  });
});
