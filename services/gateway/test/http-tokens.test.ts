import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { startStore } from '@passerine/store/testing';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';
import { cbor } from './test-operations.ts';

const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';
const THEIR_OPERATOR = 'operator-of-other-0123456789abcdef';
const WORKER = 'worker-default-token-0123456789';
const ADMIN = 'admin-token-0123456789abcdef';

let server: TestServer;
let dir: string;
let stopStore: () => Promise<void>;
let client: Awaited<ReturnType<typeof startStore>>['client'];
let guarded: GatewayService;
let open: GatewayService;

async function request(gateway: GatewayService, method: string, path: string, token?: string) {
  const res = await fetch(`http://127.0.0.1:${gateway.ports.http}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(method === 'POST' && { 'content-type': 'application/json' }),
    },
    body: method === 'POST' ? '{}' : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text.startsWith('{') ? JSON.parse(text) : text };
}
const as = (token: string | undefined) => (method: string, path: string) =>
  request(guarded, method, path, token);

const specStatus = async () =>
  (await request(guarded, 'GET', '/api/v1/namespaces/default/specs/crawl', ADMIN)).json.status;
const unitStatus = async () =>
  (
    await client.call<'getWorkUnitStatus', Array<{ status: number }>>('getWorkUnitStatus', {
      spec: 'crawl',
      keys: ['a'],
    })
  )[0].status;

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'passerine-http-tokens-'));
  const nc = await server.connect();
  const store = await startStore(nc);
  client = store.client;
  stopStore = () => store.store.stop();
  const ctx = { nc, names: store.names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() };
  writeFileSync(
    join(dir, 'tokens'),
    [
      `${VIEWER} viewer`,
      `${OPERATOR} operator`,
      `${THEIR_OPERATOR} operator other`,
      `${WORKER} worker default`,
      `${ADMIN} admin`,
      '',
    ].join('\n'),
  );
  guarded = createGatewayService(ctx, {
    cborPort: 0,
    grpcPort: 0,
    httpPort: 0,
    edgeTokens: join(dir, 'tokens'),
  });
  open = createGatewayService(ctx, { cborPort: 0, grpcPort: 0, httpPort: 0 });
  await guarded.start();
  await open.start();
  // A spec with one failed unit: something to pause and something to redrive.
  await client.call('setWorkSpec', { spec: cbor({ name: 'crawl' }) });
  await client.call('addWorkUnits', { spec: 'crawl', units: [{ key: 'a', data: cbor({}) }] });
  await client.call('workerHeartbeat', { workerId: 'w', expireSeconds: 60 });
  const [work] = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
    workerId: 'w',
    specs: ['crawl'],
  });
  await client.call('failAttempt', { attemptId: work.attempt_id });
});

afterAll(async () => {
  await guarded?.stop();
  await open?.stop();
  await stopStore?.();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('HTTP bearer tokens, with --edge-tokens', () => {
  it('refuses a request without a token, or with one nobody issued: 401 asking for a bearer token', async () => {
    const none = await as(undefined)('GET', '/api/v1/namespaces/default/specs');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="passerine"');
    expect(none.json.error.message).toMatch(/a bearer token is required/);
    expect((await as('not-a-token-anyone-issued')('GET', '/api/v1/nodes')).status).toBe(401);
    expect((await as(undefined)('POST', '/api/v1/namespaces/default/specs/crawl/pause')).status).toBe(401);
    expect(await specStatus()).toBe('runnable');
  });

  it('lets any role read, and refuses a viewer or worker that acts (403) with nothing changed', async () => {
    for (const token of [VIEWER, WORKER, OPERATOR]) {
      expect((await as(token)('GET', '/api/v1/namespaces/default/specs')).status).toBe(200);
    }
    expect((await as(VIEWER)('GET', '/api/v1/nodes')).status).toBe(200);
    const paused = await as(VIEWER)('POST', '/api/v1/namespaces/default/specs/crawl/pause');
    expect(paused.status).toBe(403);
    expect(paused.json.error.message).toMatch(
      /a viewer token may not make this call \(needs operator or admin\)/,
    );
    expect((await as(WORKER)('POST', '/api/v1/namespaces/default/specs/crawl/pause')).status).toBe(403);
    const redrive = await as(VIEWER)('POST', '/api/v1/namespaces/default/deadletters/units/crawl/redrive');
    expect(redrive.status).toBe(403);
    expect(await specStatus()).toBe('runnable');
    expect(await unitStatus()).toBe(5);
  });

  it('keeps a namespace-bound token to its namespace', async () => {
    expect((await as(THEIR_OPERATOR)('GET', '/api/v1/namespaces/other/specs')).status).toBe(200);
    const theirs = await as(THEIR_OPERATOR)('POST', '/api/v1/namespaces/default/specs/crawl/pause');
    expect(theirs.status).toBe(403);
    expect(theirs.json.error.message).toMatch(/for namespace "other", not "default"/);
    const wide = await as(THEIR_OPERATOR)('GET', '/api/v1/deadletters/jobs');
    expect(wide.status).toBe(403);
    expect(wide.json.error.message).toMatch(/no one namespace/);
    expect(await specStatus()).toBe('runnable');
  });

  it("serves an operator's and an admin's actions", async () => {
    expect((await as(OPERATOR)('POST', '/api/v1/namespaces/default/specs/crawl/pause')).status).toBe(200);
    expect(await specStatus()).toBe('paused');
    expect((await as(ADMIN)('POST', '/api/v1/namespaces/default/specs/crawl/resume')).status).toBe(200);
    expect(await specStatus()).toBe('runnable');
  });

  it('leaves the probes, the API description and the dashboard page open; the live feed takes its token in the query', async () => {
    for (const path of ['/healthz', '/openapi.json', '/', '/assets/dashboard.js']) {
      expect((await as(undefined)('GET', path)).status, path).toBe(200);
    }
    expect((await as(undefined)('GET', '/api/v1/live')).status).toBe(401);
    expect(
      (await as(undefined)('GET', '/api/v1/namespaces/default/specs?access_token=' + VIEWER)).status,
    ).toBe(401);
    const controller = new AbortController();
    const live = await fetch(`http://127.0.0.1:${guarded.ports.http}/api/v1/live?access_token=${VIEWER}`, {
      signal: controller.signal,
    });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/text\/event-stream/);
    controller.abort();
  });
});

describe('HTTP without --edge-tokens (the loopback default)', () => {
  it('asks for no token, as gRPC does not', async () => {
    expect((await request(open, 'GET', '/api/v1/namespaces/default/specs')).status).toBe(200);
    expect((await request(open, 'POST', '/api/v1/namespaces/default/specs/crawl/pause')).status).toBe(200);
    expect((await request(open, 'POST', '/api/v1/namespaces/default/specs/crawl/resume')).status).toBe(200);
  });
});
