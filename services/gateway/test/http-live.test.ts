import { connect as tcpConnect, type Socket } from 'node:net';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpEdge } from './test-http.ts';

let server: TestServer;
let edge: Awaited<ReturnType<typeof startHttpEdge>>;
const PUSH_BUFFER = 64 * 1024;

beforeAll(async () => {
  server = await startTestServer();
  edge = await startHttpEdge(await server.connect(), { pushIntervalMs: 50, maxPushBufferBytes: PUSH_BUFFER });
  // Long names make each snapshot large (about 100 kB), so a client that does not read fills its
  // socket's buffers in seconds.
  for (let i = 0; i < 100; i++) await edge.addSpec(`spec-${i}-${'x'.repeat(1_000)}`, ['k']);
  await edge.addSpec(
    'busy',
    Array.from({ length: 20_000 }, (_, i) => `u${i}`),
  );
  await edge.api.call('workerHeartbeat', { workerId: 'steady', expireSeconds: 600 });
});

afterAll(async () => {
  await edge?.close();
  await server?.stop();
});

/** A dashboard client that reads: counts the snapshots it gets. */
function readingClient() {
  const seen = { snapshots: 0, last: undefined as undefined | { specCount: number } };
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${edge.base}/api/v1/live`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        if (frame.startsWith('event: snapshot\n')) {
          seen.snapshots++;
          seen.last = JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
        }
        end = text.indexOf('\n\n');
      }
    }
  })().catch(() => undefined);
  return { seen, stop: () => controller.abort(), done };
}

/** A dashboard client that asks for the feed and never reads a byte of it. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(`GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('the dashboard feed', () => {
  it('pushes snapshots of the specs to every client', async () => {
    const client = readingClient();
    await waitFor(() => client.seen.snapshots >= 2, { timeoutMs: 20_000 });
    expect(client.seen.last?.specCount).toBe(101);
    client.stop();
  });

  it(`drops a client that never reads once it holds ${PUSH_BUFFER} bytes, while work and other clients go on`, async () => {
    let finished = 0;
    let working = true;
    const work = (async () => {
      while (working) {
        const taken = await edge.api.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
          workerId: 'steady',
          specs: ['busy'],
          maxJobs: 10,
        });
        if (taken.length === 0) break;
        for (const t of taken) await edge.api.call('finishAttempt', { attemptId: t.attempt_id });
        finished += taken.length;
      }
    })();
    const reader = readingClient();
    const stalled = await stalledClient(edge.port);

    await waitFor(() => edge.http.feed.stats.dropped >= 1, {
      timeoutMs: 60_000,
      message: 'the stalled client dropped',
    });
    const atDrop = { finished, snapshots: reader.seen.snapshots };
    // The gateway closed its end: reading now finds the connection over.
    const closed = new Promise((resolve) => stalled.on('close', resolve));
    stalled.resume();
    await closed;
    // After the drop the services and the reading client go on as before.
    await waitFor(() => finished > atDrop.finished + 50 && reader.seen.snapshots > atDrop.snapshots + 2, {
      timeoutMs: 30_000,
    });
    expect(edge.http.feed.stats.clients).toBe(1);
    working = false;
    await work;
    reader.stop();
  });
});
