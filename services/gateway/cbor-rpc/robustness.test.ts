import {
  buildRequest,
  type CborValue,
  encodeFrame,
  fromHex,
  type RpcParams,
  wrapFrame,
} from '@passerine/cbor';
import { waitFor } from '@passerine/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { CborRpcHandler, CborRpcServerOptions } from './handler.ts';
import { type CborRpcServer, createCborRpcServer } from './server.ts';
import { TestClient } from './test-client.ts';

const servers: CborRpcServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const echo: CborRpcHandler = (_method, params) => params as CborValue;

async function start(options: Partial<CborRpcServerOptions> = {}) {
  const server = createCborRpcServer({ handler: echo, port: 0, ...options });
  servers.push(server);
  const { port } = await server.listen();
  const client = async () => {
    const c = await TestClient.open(port);
    clients.push(c);
    return c;
  };
  return { server, port, client };
}

const request = (id: number, params: RpcParams = []) => encodeFrame(buildRequest(id, 'echo', params));

async function expectServing(client: TestClient, id = 1): Promise<void> {
  client.write(request(id, [id]));
  const answers = await client.responses(client.messages.length + 1);
  expect(answers.at(-1)).toEqual({ id, result: [id] });
}

/** A deterministic generator so a failing fuzz run can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('CBOR-RPC server under hostile or broken clients', () => {
  it('answers a bad frame with an id-less error and closes only that connection', async () => {
    const { client } = await start();
    const [bad, good] = [await client(), await client()];
    bad.write(Buffer.concat([request(1, ['before']), fromHex('a16161f6')]));
    await bad.waitClosed();
    expect(bad.messages).toHaveLength(2);
    const [first, last] = await bad.responses(2);
    expect(first).toEqual({ id: 1, result: ['before'] });
    expect(last).toMatchObject({ id: null, error: { message: expect.stringMatching(/tag 24/) } });
    await expectServing(good);
  });

  it('closes a connection whose request has no recoverable id', async () => {
    const { client } = await start();
    const c = await client();
    c.write(encodeFrame('not a request'));
    await c.waitClosed();
    expect((await c.responses(1))[0]).toMatchObject({ id: null, error: { message: expect.any(String) } });
  });

  it('refuses a frame longer than maxFrameBytes as soon as its length arrives', async () => {
    const { client } = await start({ maxFrameBytes: 1024 });
    const c = await client();
    c.write(fromHex('d8185a40000000'));
    await c.waitClosed();
    expect((await c.responses(1))[0]).toMatchObject({
      error: { message: expect.stringMatching(/exceeds the limit/) },
    });
  });

  it('closes a silent connection after the idle timeout, and a trickling one too', async () => {
    const { client } = await start({ idleTimeoutMs: 150 });
    const [silent, trickling, active] = [await client(), await client(), await client()];
    const partial = request(1).subarray(0, 10);
    let sent = 0;
    const trickle = setInterval(
      () => sent < partial.length && trickling.write(partial.subarray(sent, ++sent)),
      20,
    );
    await expectServing(active);
    await Promise.all([silent.waitClosed(), trickling.waitClosed()]);
    clearInterval(trickle);
    expect(silent.messages).toHaveLength(0);
  });

  it('does not time out a connection while its request is still being handled', async () => {
    let release = () => {};
    const handler: CborRpcHandler = (method) =>
      method === 'slow' ? new Promise((resolve) => (release = () => resolve('done'))) : null;
    const { client } = await start({ handler, idleTimeoutMs: 50 });
    const busy = await client();
    busy.write(encodeFrame(buildRequest(1, 'slow', [])));
    // Two silent connections closed one after the other: at least two idle periods have passed.
    for (let i = 0; i < 2; i++) await (await client()).waitClosed();
    expect(busy.closed).toBe(false);
    release();
    expect(await busy.responses(1)).toEqual([{ id: 1, result: 'done' }]);
  });

  it('refuses connections beyond maxConnections and serves again once one leaves', async () => {
    const { server, client } = await start({ maxConnections: 2 });
    const [a, b] = [await client(), await client()];
    await expectServing(a);
    await expectServing(b);
    const refused = await client();
    await refused.waitClosed();
    expect((await refused.responses(1))[0]).toMatchObject({
      error: { message: expect.stringMatching(/busy/) },
    });
    a.close();
    await waitFor(() => server.connectionCount === 1, {
      message: 'the server to notice the departure',
      intervalMs: 5,
    });
    await expectServing(await client());
  });

  it('starts no more than maxInFlightPerConnection requests at once on a connection', async () => {
    const waiting: Array<() => void> = [];
    const handler: CborRpcHandler = (_m, params) =>
      new Promise((resolve) => waiting.push(() => resolve(params as CborValue)));
    const { client } = await start({ handler, maxInFlightPerConnection: 8 });
    const c = await client();
    c.write(Buffer.concat(Array.from({ length: 2000 }, (_, i) => request(i + 1))));
    await waitFor(() => waiting.length === 8, { message: 'eight requests in flight', intervalMs: 5 });
    waiting[0]();
    // Answering one frees one slot, and the next request starts in the same turn.
    await waitFor(() => waiting.length === 9, { message: 'a ninth request', intervalMs: 5 });
    expect(waiting.length).toBe(9);
    const releaseAll = () => {
      for (const release of waiting.splice(0)) release();
    };
    const drainer = setInterval(releaseAll, 1);
    await c.responses(2000);
    clearInterval(drainer);
    expect(c.messages).toHaveLength(2000);
  });

  it('keeps serving a client that stops reading large answers for a while, then resumes', async () => {
    const big = 'x'.repeat(64 * 1024);
    let served = 0;
    const handler: CborRpcHandler = (_m, params) => {
      served++;
      return [big, params as CborValue];
    };
    const { client } = await start({ handler, maxInFlightPerConnection: 4 });
    const c = await client();
    c.socket.pause();
    c.write(Buffer.concat(Array.from({ length: 500 }, (_, i) => request(i + 1))));
    await waitFor(() => served > 0, { message: 'the first request', intervalMs: 5 });
    c.socket.resume();
    const answers = await c.responses(500);
    expect(answers.map((a) => a.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('serves a few hundred concurrent connections', async () => {
    const { client } = await start();
    const many = await Promise.all(Array.from({ length: 300 }, () => client()));
    await Promise.all(
      many.map(async (c, i) => {
        c.write(Buffer.concat([request(1, [i]), request(2, [i, i])]));
        expect(await c.responses(2)).toEqual([
          { id: 1, result: [i] },
          { id: 2, result: [i, i] },
        ]);
      }),
    );
  });

  it('survives random and mutated frames, then still answers a well-formed client', async () => {
    const { client } = await start({ maxFrameBytes: 64 * 1024, idleTimeoutMs: 200 });
    const random = seededRandom(0x5eed);
    const valid = Buffer.concat([request(1, [1, 'two', fromHex('ff00')]), request(2)]);
    const deadline = Date.now() + 5000;
    for (let round = 0; round < 60 && Date.now() < deadline; round++) {
      const c = await client();
      const bytes = Buffer.from(valid);
      if (round % 3 === 0) {
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      } else {
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++)
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      c.write(round % 5 === 0 ? wrapFrame(bytes) : bytes);
      // Either the server answers something or it closes; never both silent and open forever.
      await c.until(() => c.messages.length > 0 || c.closed, `a reaction to fuzz round ${round}`, 4000);
      c.close();
    }
    await expectServing(await client(), 99);
  });
});
