import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CborMap, encodeValue } from '@passerine/cbor';
import { WorkQueue } from '@passerine/client';
import { type Logger, randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { startStore } from '@passerine/store/testing';
import {
  makeTestAuthority,
  startTestServer,
  type TestAuthority,
  type TestServer,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../cbor-rpc/test-client.ts';
import { createGatewayService, type GatewayOptions, type GatewayService } from '../gateway-service.ts';
import { loadProtos } from '../grpc/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: messages are shaped by the .proto files at run time.
type Msg = any;

const WORKER = 'worker-default-token-0123456789';
const OTHER = 'worker-other-namespace-0123456789';
const ADMIN = 'admin-token-0123456789abcdef';

let server: TestServer;
let dir: string;
let stopStore: () => Promise<void>;
let ctx: Parameters<typeof createGatewayService>[0];
const gateways: GatewayService[] = [];
const clients: Client[] = [];
const warnings: string[] = [];

/** A logger that keeps the refusals it is told of. */
function keepingLogger(): Logger {
  const logger = silentLogger();
  const child = () => recorder;
  const recorder = Object.assign(Object.create(logger), {
    child,
    warn: (_fields: unknown, message: string) => void warnings.push(message),
  });
  return recorder as Logger;
}

async function gateway(options: GatewayOptions): Promise<GatewayService> {
  const service = createGatewayService(
    { ...ctx, logger: keepingLogger() },
    { cborPort: 0, grpcPort: 0, httpPort: 0, ...options },
  );
  await service.start();
  gateways.push(service);
  return service;
}

const spec = (name: string) => ({ spec_cbor: encodeValue(CborMap.fromObject({ name } as never)) });

/** What the namespace holds, read behind the gateway's back. */
const specNames = async () =>
  (await new WorkQueue(ctx.nc, ctx.names, 'default').listWorkSpecs()).map((s) => s.name);

function call(c: Msg, method: string, request: Msg, token?: string): Promise<Msg> {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    c[method](request, metadata, (err: ServiceError | null, reply: Msg) =>
      err ? reject(err) : resolve(reply),
    ),
  );
}

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'passerine-edge-'));
  const nc = await server.connect();
  const { names, store } = await startStore(nc);
  stopStore = () => store.stop();
  ctx = { nc, names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() };
  writeFileSync(
    join(dir, 'tokens'),
    [`# edge tokens`, `${WORKER} worker default`, `${OTHER} worker other`, `${ADMIN} admin`, ''].join('\n'),
  );
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const g of gateways) await g.stop();
  await stopStore?.();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('gRPC bearer tokens', () => {
  let wq: Msg;
  let scheduler: Msg;

  beforeAll(async () => {
    const g = await gateway({ edgeTokens: join(dir, 'tokens') });
    const protos = loadProtos();
    wq = new protos.WorkQueue(`127.0.0.1:${g.ports.grpc}`, credentials.createInsecure());
    scheduler = new protos.Scheduler(`127.0.0.1:${g.ports.grpc}`, credentials.createInsecure());
    clients.push(wq, scheduler);
  });

  it('refuses a call without a token, or with one nobody issued, as UNAUTHENTICATED, with no effect', async () => {
    await expect(call(wq, 'SetWorkSpec', spec('none'))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: expect.stringMatching(/bearer token is required/),
    });
    await expect(call(wq, 'SetWorkSpec', spec('forged'), 'not-a-token-anyone-issued')).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    expect(await specNames()).not.toEqual(expect.arrayContaining(['none']));
    expect(await specNames()).not.toContain('forged');
    expect(warnings.some((w) => /gRPC call refused: a bearer token is required/.test(w))).toBe(true);
  });

  it("refuses another namespace's worker token and a worker on the scheduler as PERMISSION_DENIED", async () => {
    await expect(call(wq, 'SetWorkSpec', spec('theirs'), OTHER)).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
      details: expect.stringMatching(/for namespace "other", not "default"/),
    });
    await expect(call(scheduler, 'CancelJob', { job_id: 'j', reason: 'x' }, WORKER)).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
      details: expect.stringMatching(/a worker token may not make this call/),
    });
    expect(await specNames()).not.toContain('theirs');
    expect(await new WorkQueue(ctx.nc, ctx.names, 'other').listWorkSpecs()).toEqual([]);
  });

  it("serves the namespace's worker token and the admin's", async () => {
    await call(wq, 'SetWorkSpec', spec('mine'), WORKER);
    await call(wq, 'ListWorkSpecs', {}, ADMIN);
    expect(await specNames()).toEqual(['mine']);
  });
});

describe('gRPC over TLS', () => {
  it("serves a client of its authority and refuses another authority's client certificate", async () => {
    const [ours, theirs] = await Promise.all([
      makeTestAuthority(join(dir, 'ours')),
      makeTestAuthority(join(dir, 'theirs'), 'Another authority'),
    ]);
    const g = await gateway({
      edgeCert: ours.server.certFile,
      edgeKey: ours.server.keyFile,
      edgeClientCa: ours.caFile,
    });
    const protos = loadProtos();
    const client = (a: TestAuthority, trust = ours.caFile) => {
      const c = new protos.WorkQueue(
        `127.0.0.1:${g.ports.grpc}`,
        credentials.createSsl(
          readFileSync(trust),
          readFileSync(a.client.keyFile),
          readFileSync(a.client.certFile),
        ),
      );
      clients.push(c);
      return c;
    };
    await call(client(ours), 'SetWorkSpec', spec('over-tls'));
    expect(await specNames()).toContain('over-tls');
    await expect(call(client(theirs), 'SetWorkSpec', spec('their-tls'))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    await expect(call(client(ours, theirs.caFile), 'SetWorkSpec', spec('their-tls'))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(await specNames()).not.toContain('their-tls');
  });

  it('will not start with a certificate and no key', () => {
    expect(() => createGatewayService(ctx, { edgeCert: 'x.pem', cborPort: 0, grpcPort: 0 })).toThrow(
      /--edge-cert and --edge-key go together/,
    );
  });
});

describe('HTTPS', () => {
  /** GET over TLS with a client certificate; resolves with the status, rejects on a refused handshake. */
  const fetchOverTls = (port: number, path: string, a: TestAuthority, trust: string) =>
    new Promise<number>((resolve, reject) => {
      const request = httpsGet(
        {
          host: '127.0.0.1',
          port,
          path,
          ca: readFileSync(trust),
          cert: readFileSync(a.client.certFile),
          key: readFileSync(a.client.keyFile),
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
    });

  it("serves the HTTP edge over TLS to a client of its authority, and refuses another authority's", async () => {
    const [ours, theirs] = await Promise.all([
      makeTestAuthority(join(dir, 'https-ours')),
      makeTestAuthority(join(dir, 'https-theirs'), 'Another authority'),
    ]);
    const g = await gateway({
      edgeCert: ours.server.certFile,
      edgeKey: ours.server.keyFile,
      edgeClientCa: ours.caFile,
    });
    expect(await fetchOverTls(g.ports.http, '/healthz', ours, ours.caFile)).toBe(200);
    await expect(fetchOverTls(g.ports.http, '/healthz', theirs, ours.caFile)).rejects.toThrow();
    // Plain HTTP on the TLS port gets no answer of the API.
    const plain = await fetch(`http://127.0.0.1:${g.ports.http}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });
});

describe('CBOR-RPC beyond loopback', () => {
  it('refuses a connection from a network not allowed, with an error frame, and logs it', async () => {
    const g = await gateway({ cborAllow: ['10.0.0.0/8'] });
    const client = await TestClient.open(g.ports.cbor);
    expect(await client.responses(1)).toEqual([
      {
        id: null,
        error: { message: 'connections from 127.0.0.1 are not allowed (allowed: 10.0.0.0/8)' },
      },
    ]);
    await client.waitClosed();
    expect(warnings).toContain('connection from a network not allowed; refused');
  });

  it('serves an allowed network', async () => {
    const g = await gateway({ cborAllow: ['10.0.0.0/8', '127.0.0.1'] });
    const client = await TestClient.open(g.ports.cbor);
    client.write(new Uint8Array(0));
    client.close();
    expect(g.ports.cbor).toBeGreaterThan(0);
  });

  it('will not listen beyond loopback without a namespace allow list naming its namespace', async () => {
    expect(() => createGatewayService(ctx, { cborHost: '0.0.0.0', cborPort: 0, grpcPort: 0 })).toThrow(
      /--cbor-namespaces must name the namespace it serves \(default\)/,
    );
    expect(() =>
      createGatewayService(ctx, { cborHost: '0.0.0.0', cborNamespaces: ['other'], cborPort: 0, grpcPort: 0 }),
    ).toThrow(/--cbor-namespaces/);
  });
});
