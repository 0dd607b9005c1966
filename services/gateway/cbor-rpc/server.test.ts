import {
  buildRequest,
  CborMap,
  type CborValue,
  encodeFrame,
  fromHex,
  mapGet,
  type RpcParams,
  tuple,
  utf8,
} from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { CborRpcHandler, CborRpcServerOptions } from './handler.ts';
import { noSuchMethod } from './method-errors.ts';
import { type CborRpcServer, createCborRpcServer } from './server.ts';
import { TestClient } from './test-client.ts';

const servers: CborRpcServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Echoes its params; knows a few other methods for error paths. */
const echoHandler: CborRpcHandler = async (method, params) => {
  if (method === 'echo') return params as CborValue;
  if (method === 'nothing') return undefined;
  if (method === 'invalid') throw new ValidationError("field 'name' is required");
  throw noSuchMethod(method);
};

async function start(options: Partial<CborRpcServerOptions> = {}) {
  const server = createCborRpcServer({ handler: echoHandler, port: 0, ...options });
  servers.push(server);
  const { port } = await server.listen();
  const client = async () => {
    const c = await TestClient.open(port);
    clients.push(c);
    return c;
  };
  return { server, port, client };
}

const request = (id: number, method: string, params: RpcParams = []) =>
  encodeFrame(buildRequest(id, method, params));

describe('CBOR-RPC server', () => {
  it('answers a Python 2 client request byte for byte like the reference server', async () => {
    const { client } = await start({ handler: () => 0 });
    const c = await client();
    // The first exchange of the reference transcript: clear() answered with 0.
    c.write(fromHex('d818581aa346706172616d738042696401466d6574686f6445636c656172'));
    await c.responses(1);
    expect(Buffer.from(encodeFrame(c.messages[0])).toString('hex')).toBe('d8184da24269640146726573756c7400');
  });

  it('answers pipelined requests in request order though handlers finish in reverse', async () => {
    const count = 200;
    const waiting: Array<() => void> = [];
    const handler: CborRpcHandler = (_method, params) =>
      new Promise((resolve) => {
        waiting.push(() => resolve((params as CborValue[])[0]));
        if (waiting.length === count) for (const release of waiting.reverse()) release();
      });
    const { client } = await start({ handler });
    const c = await client();
    c.write(Buffer.concat(Array.from({ length: count }, (_, i) => request(i + 1, 'echo', [i]))));
    const responses = await c.responses(count);
    expect(responses.map((r) => r.id)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(responses.map((r) => ('result' in r ? r.result : null))).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
  });

  it('answers a batch with an array in the same order', async () => {
    const { client } = await start();
    const c = await client();
    c.write(
      encodeFrame([
        buildRequest(1, 'echo', ['a']),
        buildRequest(2, 'nope', []),
        buildRequest(3, 'nothing', []),
      ]),
    );
    await c.until(() => c.messages.length === 1, 'the batch answer');
    const answers = c.messages[0] as CborMap[];
    expect(answers.map((a) => mapGet(a, 'id'))).toEqual([1, 2, 3]);
    expect(mapGet(answers[0], 'result')).toEqual(['a']);
    expect(mapGet(mapGet(answers[1], 'error') as CborMap, 'message')).toEqual(utf8("no such method 'nope'"));
    expect(mapGet(answers[2], 'result')).toBeNull();
  });

  it('passes keyword params as a map and accepts text keys and method', async () => {
    const { client } = await start();
    const c = await client();
    const params = CborMap.fromObject({ limit: 1, start: utf8('k') });
    c.write(encodeFrame(CborMap.fromObject({ id: 7, method: 'echo', params })));
    const [answer] = await c.responses(1);
    expect(answer.id).toBe(7);
    expect('result' in answer && answer.result).toBeInstanceOf(CborMap);
    expect(mapGet((answer as { result: CborMap }).result, 'start')).toEqual(utf8('k'));
  });

  it('keeps bytes, text and tuples apart through a round trip', async () => {
    const { client } = await start();
    const c = await client();
    c.write(request(1, 'echo', [tuple(utf8('\u00ff'), 'text', 2.5)]));
    await c.responses(1);
    expect(Buffer.from(encodeFrame(c.messages[0])).toString('hex')).toBe(
      Buffer.from(
        encodeFrame(
          new CborMap([
            [utf8('id'), 1],
            [utf8('result'), [tuple(utf8('\u00ff'), 'text', 2.5)]],
          ]),
        ),
      ).toString('hex'),
    );
  });

  it('reports unknown methods as "no such method \'x\'" and handler errors by message', async () => {
    const { client } = await start();
    const c = await client();
    c.write(Buffer.concat([request(1, 'no_such_method'), request(2, 'invalid')]));
    const answers = await c.responses(2);
    expect(answers).toEqual([
      { id: 1, error: { message: "no such method 'no_such_method'" } },
      { id: 2, error: { message: "field 'name' is required" } },
    ]);
  });

  it('answers a malformed request with an error when its id is recoverable', async () => {
    const { client } = await start();
    const c = await client();
    c.write(encodeFrame(CborMap.fromObject({ id: 9, params: [] })));
    c.write(request(10, 'echo', [1]));
    const answers = await c.responses(2);
    expect(answers[0]).toEqual({ id: 9, error: { message: "request 'method' must be a string" } });
    expect(answers[1]).toEqual({ id: 10, result: [1] });
  });

  it('passes a connection id that differs per connection', async () => {
    const seen = new Set<number>();
    const { client } = await start({ handler: (_m, _p, context) => void seen.add(context.connectionId) });
    const [a, b] = [await client(), await client()];
    a.write(request(1, 'x'));
    b.write(request(1, 'x'));
    await Promise.all([a.responses(1), b.responses(1)]);
    expect(seen.size).toBe(2);
  });

  it('answers outstanding requests when the client half-closes, then closes', async () => {
    const { client } = await start();
    const c = await client();
    c.socket.end(request(1, 'echo', ['last']));
    await c.waitClosed();
    expect(c.messages).toHaveLength(1);
  });

  it('listens on 127.0.0.1 by default and closes cleanly', async () => {
    const { server, client } = await start();
    const c = await client();
    expect(c.socket.remoteAddress).toBe('127.0.0.1');
    await server.close();
    await c.waitClosed();
  });
});
