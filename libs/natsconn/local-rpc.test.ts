import { ConcurrencyError, NotFoundError, PasserineError, ValidationError } from '@passerine/core';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from './connect.ts';
import { LocalRpc } from './local-rpc.ts';
import { requestRpc, serveRpc } from './rpc.ts';

let server: TestServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect('local-rpc-test');
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** One handler, served both ways: what a caller gets must not tell them apart. */
function handler(operation: string, request: unknown): unknown {
  const req = request as { n?: number; bytes?: Uint8Array };
  if (operation === 'fail') throw new ValidationError('n must be a number', { field: 'n' });
  if (operation === 'conflict') throw new ConcurrencyError('moved on', 3, 4);
  if (operation === 'missing') throw new NotFoundError('no such thing');
  if (operation === 'crash') throw new Error('bug');
  if (operation === 'keep') return { bytes: req.bytes, list: [null, 1], nested: { n: req.n } };
  return req.n;
}

/** Binary values as plain Uint8Arrays: over NATS they come as Buffers viewing the message. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: plain(await call()) };
  } catch (err) {
    const e = err as PasserineError;
    return { threw: e instanceof PasserineError, code: e.code, message: e.message, details: e.details };
  }
}

describe('local calls', () => {
  it('answer exactly as the NATS round trip does: values, errors and their codes', async () => {
    const prefix = `${uniquePrefix()}.op.`;
    const sub = serveRpc(nc, `${prefix}*`, (request, msg) =>
      handler(msg.subject.slice(prefix.length), request),
    );
    await nc.flush();
    const local = new LocalRpc();
    local.serve(prefix, handler);
    const bytes = Buffer.from([0xff, 0, 1]);
    for (const [operation, request] of [
      ['echo', { n: 1 }],
      ['keep', { n: 2, bytes }],
      ['fail', {}],
      ['conflict', {}],
      ['missing', {}],
      ['crash', {}],
    ] as const) {
      const subject = prefix + operation;
      const overNats = await outcome(() => requestRpc(nc, subject, request));
      const here = await outcome(() => local.call(subject, request)!);
      expect(here, operation).toEqual(overNats);
    }
    sub.unsubscribe();
  });

  it('pass values as they are, and leave a subject nobody serves here to NATS', async () => {
    const local = new LocalRpc();
    const stop = local.serve('a.b.', (_op, request) => request);
    const request = { data: new Uint8Array([1, 2]) };
    expect(await local.call('a.b.op', request)!).toBe(request);
    expect(local.serves('a.b.other')).toBe(true);
    expect(local.call('a.c.op', {})).toBeUndefined();
    stop();
    expect(local.call('a.b.op', {})).toBeUndefined();
  });

  it('keep the server that replaced another when the old one stops', () => {
    const local = new LocalRpc();
    const stopOld = local.serve('p.', () => 'old');
    local.serve('p.', () => 'new');
    stopOld();
    expect(local.serves('p.x')).toBe(true);
  });
});
