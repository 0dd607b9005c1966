import { NotFoundError, TimeoutError, UnavailableError } from '@passerine/core';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from './connect.ts';
import { requestRpc, serveRpc } from './rpc.ts';

let server: TestServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect('rpc-test');
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('requests over the shared requester', () => {
  it('get the value a handler returns, and the coded error a handler throws', async () => {
    const subject = `${uniquePrefix()}.echo`;
    const sub = serveRpc(nc, subject, (req: { n: number }) => {
      if (req.n < 0) throw new NotFoundError(`no ${req.n}`);
      return req.n + 1;
    });
    await nc.flush();
    const answers = await Promise.all([1, 2, 3].map((n) => requestRpc<number>(nc, subject, { n })));
    expect(answers).toEqual([2, 3, 4]);
    // The code crosses the wire; the class on this side is the generic one.
    await expect(requestRpc(nc, subject, { n: -1 })).rejects.toMatchObject({
      code: new NotFoundError('').code,
      message: 'no -1',
    });
    sub.unsubscribe();
  });

  it('fail at once as unavailable when nobody serves the subject', async () => {
    const started = Date.now();
    await expect(requestRpc(nc, `${uniquePrefix()}.nobody`, {}, 5_000)).rejects.toThrow(UnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('time out, naming the subject, when the server never answers', async () => {
    const subject = `${uniquePrefix()}.silent`;
    const sub = nc.subscribe(subject, { callback: () => {} });
    await nc.flush();
    const error = await requestRpc(nc, subject, {}, 150).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`no answer on ${subject} within 150 ms`);
    sub.unsubscribe();
  });
});
