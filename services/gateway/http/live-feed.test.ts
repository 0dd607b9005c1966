import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@passerine/core';
import { waitFor } from '@passerine/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createLiveFeed } from './live-feed.ts';

const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

/** Frames a client of the feed has read: [event, data] pairs. */
async function readFrames(url: string, frames: Array<[string, unknown]>, signal: AbortSignal) {
  const res = await fetch(url, { signal });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (\w+)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) frames.push([event, JSON.parse(data)]);
    }
  }
}

describe('the live feed', () => {
  it('gives up a snapshot that never ends, says so, and goes on with the next ones', async () => {
    let calls = 0;
    const feed = createLiveFeed({
      // The first build waits on a call that never answers; the ones after it answer.
      snapshot: () => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve({ n: calls })),
      intervalMs: 20,
      deadlineMs: 200,
      maxBufferedBytes: 1024 * 1024,
      logger: silentLogger(),
    });
    const server = createServer((_req, res) => feed.attach(res)).listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const frames: Array<[string, unknown]> = [];
    const controller = new AbortController();
    const reading = readFrames(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      frames,
      controller.signal,
    ).catch(() => undefined);
    await waitFor(() => frames.filter(([event]) => event === 'snapshot').length >= 2, {
      timeoutMs: 10_000,
      message: 'snapshots after the one given up',
    });
    expect(frames[0]).toEqual(['trouble', { message: 'the dashboard snapshot took longer than 200 ms' }]);
    expect(frames[1]).toEqual(['snapshot', { n: 2 }]);
    controller.abort();
    feed.close();
    await reading;
  });
});
