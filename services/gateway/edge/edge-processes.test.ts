import { Writable } from 'node:stream';
import {
  buildRequest,
  CborMap,
  type CborValue,
  encodeFrame,
  parseResponse,
  type RpcParams,
  Tuple,
  utf8,
} from '@passerine/cbor';
import { randomIdSource, systemClock } from '@passerine/core';
import { startStore } from '@passerine/store/testing';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../cbor-rpc/test-client.ts';
import { createGatewayService, type GatewayOptions, type GatewayService } from '../gateway-service.ts';

let server: TestServer;
let store: Awaited<ReturnType<typeof startStore>>;
const gateways: GatewayService[] = [];
const clients: TestClient[] = [];
const logLines: Array<{ msg: string; level: number }> = [];

beforeAll(async () => {
  server = await startTestServer();
  store = await startStore(await server.connect());
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(gateways.splice(0).map((g) => g.stop()));
});

afterAll(async () => {
  await store?.store.stop();
  await server?.stop();
});

/** A gateway with one edge process (threads 2) in front of the test store; logs kept in logLines. */
async function startGateway(options: GatewayOptions = {}) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const nc = await server.connect();
  const gateway = createGatewayService(
    {
      nc,
      names: store.names,
      logger: pino({ level: 'error' }, sink),
      clock: systemClock,
      ids: randomIdSource(),
    },
    { cborPort: 0, grpcPort: 0, httpPort: 0, threads: 2, ...options },
  );
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

async function open(gateway: GatewayService): Promise<TestClient> {
  const c = await TestClient.open(gateway.ports.cbor);
  clients.push(c);
  return c;
}

const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);

async function call(c: TestClient, id: number, method: string, params: RpcParams): Promise<CborValue> {
  const before = c.messages.length;
  c.write(encodeFrame(buildRequest(id, method, params)));
  const answer = (await c.responses(before + 1))[before];
  if ('error' in answer) throw new Error(answer.error.message);
  return answer.result;
}

/**
 * Connections alternate between the edge process and this one (whoever serves fewer, the edge
 * first on a tie): the connections opened first, third, ... one at a time are the edge's.
 */
async function openPair(gateway: GatewayService): Promise<{ edge: TestClient; here: TestClient }> {
  const edge = await open(gateway);
  await call(edge, 1, 'get_work_spec', ['none']);
  const here = await open(gateway);
  await call(here, 1, 'get_work_spec', ['none']);
  return { edge, here };
}

describe('the gateway with edge processes (--threads 2)', () => {
  it('serves Coordinate on connections handed to the edge process, which a kill ends; a new edge takes over', async () => {
    const gateway = await startGateway();
    const [pid] = gateway.edgePids();
    expect(pid).toBeGreaterThan(0);
    const { edge, here } = await openPair(gateway);
    await call(edge, 2, 'set_work_spec', [dict({ name: 'edge' })]);
    await call(edge, 3, 'add_work_units', ['edge', [new Tuple([utf8('k1'), dict({ n: 1 })])]]);
    const work = (await call(here, 2, 'get_work', ['w', dict({ work_spec_names: ['edge'] })])) as Tuple;
    expect((work.items[0] as Tuple).items[1]).toEqual(utf8('k1'));

    process.kill(pid, 'SIGKILL');
    await edge.waitClosed();
    expect(here.closed).toBe(false);
    await waitFor(() => gateway.edgePids().length === 1 && gateway.edgePids()[0] !== pid, {
      message: 'a new edge process',
      timeoutMs: 30_000,
    });
    expect(logLines.some((l) => l.msg === 'edge process died; starting another' && l.level === 50)).toBe(
      true,
    );
    const again = await open(gateway);
    expect(await call(again, 1, 'get_work_spec', ['none'])).toBeNull();
    expect(await call(here, 3, 'get_work_spec', ['none'])).toBeNull();
  });

  it('holds the frame limit and the idle timeout on an edge-served connection', async () => {
    const gateway = await startGateway({ maxFrameBytes: 1024, idleTimeoutMs: 300 });
    const { edge, here } = await openPair(gateway);
    edge.write(encodeFrame(buildRequest(2, 'set_work_spec', [dict({ name: 'x', pad: 'p'.repeat(4000) })])));
    await edge.waitClosed();
    const [, refused] = edge.messages.map(parseResponse);
    expect(refused).toMatchObject({ id: null, error: { message: expect.stringMatching(/1024/) } });
    const idle = await open(gateway);
    await idle.waitClosed(5_000);
    await here.waitClosed(5_000);
  });

  it('counts connections of every process against one limit', async () => {
    const gateway = await startGateway({ maxConnections: 2 });
    const { edge } = await openPair(gateway);
    const third = await open(gateway);
    await third.waitClosed();
    expect(third.messages.map(parseResponse)).toEqual([
      { id: null, error: { message: 'server busy: 2 connections already open' } },
    ]);
    edge.close();
    await waitFor(
      async () => {
        const c = await open(gateway);
        try {
          return (await call(c, 1, 'get_work_spec', ['none'])) === null;
        } catch {
          return false;
        }
      },
      { message: 'a place freed by the edge connection' },
    );
  });

  it('survives random bytes on edge-served connections and still answers a well-formed client', async () => {
    const gateway = await startGateway();
    let seed = 7;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 20; i++) {
      const c = await open(gateway);
      c.write(
        Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
      );
      c.socket.end();
    }
    const { edge, here } = await openPair(gateway);
    expect(await call(edge, 2, 'get_work_spec', ['none'])).toBeNull();
    expect(await call(here, 2, 'get_work_spec', ['none'])).toBeNull();
    expect(gateway.edgePids()).toHaveLength(1);
  });
});
