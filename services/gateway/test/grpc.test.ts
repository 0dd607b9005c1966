import { type Client, credentials, type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CborMap, decodeValue, encodeValue, mapGet } from '@passerine/cbor';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '@passerine/metrics';
import { startStore } from '@passerine/store/testing';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';
import { loadProtos } from '../grpc/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: messages are shaped by the .proto files at run time.
type Msg = any;

let server: TestServer;
let gateway: GatewayService;
let stopStore: () => Promise<void>;
const metrics = createMetrics();
const protos = loadProtos();
const clients: Client[] = [];

function client<T extends keyof typeof protos>(name: T): Msg {
  const c = new protos[name](`127.0.0.1:${gateway.ports.grpc}`, credentials.createInsecure());
  clients.push(c);
  return c;
}

/** A unary call as a promise. */
function call(c: Msg, method: string, request: Msg): Promise<Msg> {
  return new Promise((resolve, reject) =>
    c[method](request, (err: ServiceError | null, reply: Msg) => (err ? reject(err) : resolve(reply))),
  );
}

const cbor = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));
const text = (t: string) => ({ text: t });
const raw = (bytes: number[]) => ({ raw: Buffer.from(bytes) });

async function startGateway(nc: NatsConnection) {
  const { names, store } = await startStore(nc);
  const ctx = { nc, names, logger: silentLogger(), clock: systemClock, ids: randomIdSource(), metrics };
  const service = createGatewayService(ctx, { cborPort: 0, grpcPort: 0, httpPort: 0 });
  await service.start();
  return { service, stop: async () => store.stop() };
}

beforeAll(async () => {
  server = await startTestServer();
  const started = await startGateway(await server.connect());
  gateway = started.service;
  stopStore = started.stop;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await gateway?.stop();
  await stopStore?.();
  await server?.stop();
});

describe('gRPC WorkQueue service', () => {
  it('runs specs and units with byte and text keys, each kind kept as it came', async () => {
    const wq = client('WorkQueue');
    await call(wq, 'SetWorkSpec', { spec_cbor: cbor({ name: 'g1', weight: 5 }) });
    const spec = await call(wq, 'GetWorkSpec', { name: text('g1') });
    expect(spec.found).toBe(true);
    expect(mapGet(decodeValue(spec.spec_cbor) as CborMap, 'weight')).toBe(5);
    const added = await call(wq, 'AddWorkUnits', {
      spec: text('g1'),
      units: [
        { key: raw([0xff, 0x00]), data_cbor: cbor({ x: 1 }) },
        { key: text('a'), data_cbor: cbor({ x: 2 }), priority: 3 },
        { key: raw([0x62]), data_cbor: cbor({ x: 3 }) },
      ],
    });
    expect(added.count).toBe(3);
    const units = await call(wq, 'GetWorkUnits', { spec: text('g1') });
    expect(units.units.map((u: Msg) => u.key.kind)).toEqual(['text', 'raw', 'raw']);
    expect((await call(wq, 'CountWorkUnits', { name: text('g1') })).by_status).toEqual({ 1: 3 });

    const got = await call(wq, 'GetWork', { worker_id: 'gw1', max_jobs: 1, lease_seconds: 30 });
    expect(got.work).toHaveLength(1);
    expect(got.work[0].key).toMatchObject({ text: 'a' });
    await call(wq, 'UpdateWorkUnit', { spec: text('g1'), key: text('a'), status: 4 });
    const statuses = await call(wq, 'GetWorkUnitStatus', {
      spec: text('g1'),
      keys: [text('a'), text('nope')],
    });
    expect(statuses.statuses[0]).toMatchObject({ found: true, status: 4, worker_id: 'gw1' });
    expect(statuses.statuses[1].found).toBe(false);
    expect((await call(wq, 'DelWorkUnits', { spec: text('g1'), states: [4] })).count).toBe(1);
    const meta = await call(wq, 'GetWorkSpecMeta', { name: text('g1') });
    expect(meta).toMatchObject({ status: 1, weight: 5 });
  });

  it('answers coded statuses: NOT_FOUND, INVALID_ARGUMENT naming the field', async () => {
    const wq = client('WorkQueue');
    const missing = await call(wq, 'GetWorkSpecMeta', { name: text('missing') }).catch((e) => e);
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toBe("no such work_spec 'missing'");
    expect((missing.metadata as Metadata).get('passerine-error-code')).toEqual(['not_found']);
    await call(wq, 'SetWorkSpec', { spec_cbor: cbor({ name: 'g2' }) });
    const bad = await call(wq, 'AddWorkUnits', {
      spec: text('g2'),
      units: [{ key: text('k'), data_cbor: Buffer.from([0xff, 0xff]) }],
    }).catch((e) => e);
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/units\[0\]\.data_cbor/);
    const noName = await call(wq, 'DelWorkSpec', {}).catch((e) => e);
    expect(noName.code).toBe(status.INVALID_ARGUMENT);
    expect(noName.details).toMatch(/name/);
  });

  it('keeps workers, modes and stats', async () => {
    const wq = client('WorkQueue');
    await call(wq, 'WorkerHeartbeat', {
      worker_id: 'p1',
      mode: 'RUN',
      expire_seconds: 60,
      data_cbor: cbor({ host: 'h' }),
    });
    await call(wq, 'WorkerHeartbeat', { worker_id: 'c1', mode: 'IDLE', parent: 'p1' });
    expect((await call(wq, 'ListWorkerModes', {})).modes).toMatchObject({ p1: 'RUN', c1: 'IDLE' });
    expect((await call(wq, 'ModeCounts', {})).counts).toMatchObject({ RUN: 1, IDLE: 1 });
    const info = await call(wq, 'GetWorkerInfo', { worker_id: 'p1' });
    expect(mapGet(decodeValue(info.data_cbor) as CborMap, 'host')).toBe('h');
    expect((await call(wq, 'WorkerStats', {})).num_children).toBe(1);
    expect((await call(wq, 'GetConfig', {})).namespace).toBe('default');
  });
});

describe('gRPC Worker service', () => {
  it('streams tasks to a subscriber, at most max_in_flight at a time, refilling as it finishes them', async () => {
    const wq = client('WorkQueue');
    const worker = client('Worker');
    await call(wq, 'SetWorkSpec', { spec_cbor: cbor({ name: 'stream' }) });
    const keys = Array.from({ length: 7 }, (_, i) => `t${i}`);
    await call(wq, 'AddWorkUnits', {
      spec: text('stream'),
      units: keys.map((k) => ({ key: text(k), data_cbor: cbor({ k }) })),
    });

    const stream = worker.Subscribe({
      worker_id: 'sub1',
      work_spec_names: [text('stream')],
      max_in_flight: 2,
      lease_seconds: 60,
    });
    const received: Msg[] = [];
    let maxHeld = 0;
    let held = 0;
    stream.on('error', () => {});
    stream.on('data', (task: Msg) => {
      received.push(task);
      held++;
      maxHeld = Math.max(maxHeld, held);
      void call(worker, 'UpdateWork', { attempt_id: task.attempt_id, outcome: 2 }).then(() => held--);
    });
    await waitFor(async () => received.length === keys.length && held === 0, {
      message: 'every task streamed and finished',
    });
    stream.cancel();
    expect(maxHeld).toBeLessThanOrEqual(2);
    expect(received.map((t) => t.key.text).sort()).toEqual(keys);
    expect((await call(wq, 'CountWorkUnits', { name: text('stream') })).by_status).toEqual({
      4: keys.length,
    });
  });

  it('refuses an update without an outcome, and an unknown attempt', async () => {
    const worker = client('Worker');
    const noOutcome = await call(worker, 'UpdateWork', { attempt_id: 'x' }).catch((e) => e);
    expect(noOutcome.code).toBe(status.INVALID_ARGUMENT);
    const unknown = await call(worker, 'UpdateWork', { attempt_id: 'nope', outcome: 2 }).catch((e) => e);
    expect(unknown.code).toBe(status.NOT_FOUND);
  });
});

describe('gateway service', () => {
  it('names both endpoints', () => {
    const endpoints = gateway.endpoints!();
    expect(endpoints.cbor).toBe(`tcp://127.0.0.1:${gateway.ports.cbor}`);
    expect(endpoints.grpc).toBe(`127.0.0.1:${gateway.ports.grpc}`);
  });
});

describe('gRPC call figures', () => {
  it('counts calls by method and outcome in the edge figures, edge="grpc"', async () => {
    const wq = client('WorkQueue');
    await call(wq, 'SetWorkSpec', { spec_cbor: cbor({ name: 'counted' }) });
    await call(wq, 'GetWorkSpecMeta', { name: text('nowhere') }).catch(() => undefined);
    const exported = await metrics.registry.metrics();
    const count = (method: string, outcome: string) =>
      Number(
        new RegExp(
          `passerine_gateway_calls_total\\{edge="grpc",method="${method}",outcome="${outcome}"\\} (\\d+)`,
        ).exec(exported)?.[1] ?? 0,
      );
    expect(count('WorkQueue/SetWorkSpec', 'ok')).toBeGreaterThanOrEqual(1);
    expect(count('WorkQueue/GetWorkSpecMeta', 'not_found')).toBeGreaterThanOrEqual(1);
    expect(exported).toMatch(
      /passerine_gateway_call_seconds_count\{edge="grpc",method="WorkQueue\/SetWorkSpec"\} \d+/,
    );
  });
});
