import type { ServerResponse } from 'node:http';
import { type Logger, TimeoutError } from '@passerine/core';

/**
 * Server-sent events to dashboards. One producer builds a snapshot per tick while anyone watches,
 * so a hundred open pages cost the store what one does. Each snapshot is the whole picture (one
 * page of rows, never whole lists), so a page that lost some is whole again with the next one.
 *
 * A client that does not read (a stalled tab, a dead link the kernel has not noticed) would hold
 * every snapshot in its socket's buffer: once a client has more than `maxBufferedBytes` unwritten,
 * it is dropped. Its browser's EventSource reconnects by itself and starts from a fresh snapshot.
 */
export interface LiveFeedOptions {
  /** Builds the snapshot sent to every client on a tick. */
  snapshot(): Promise<unknown>;
  intervalMs: number;
  /**
   * Longest one snapshot may take (ms; default five ticks, at least 5 s). A build still running then
   * is given up and told to the clients as trouble, so one call that never answers cannot freeze
   * every page: the next tick builds afresh.
   */
  deadlineMs?: number;
  maxBufferedBytes: number;
  logger: Logger;
}

export interface LiveFeed {
  attach(res: ServerResponse): void;
  readonly stats: { clients: number; dropped: number; sent: number };
  close(): void;
}

export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const clients = new Set<ServerResponse>();
  const stats = { clients: 0, dropped: 0, sent: 0 };
  let timer: NodeJS.Timeout | undefined;
  let last: string | undefined;
  let building = false;
  const deadlineMs = options.deadlineMs ?? Math.max(5_000, options.intervalMs * 5);

  const remove = (res: ServerResponse) => {
    clients.delete(res);
    stats.clients = clients.size;
    if (clients.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const send = (res: ServerResponse, frame: string) => {
    if (res.writableLength > options.maxBufferedBytes) {
      stats.dropped++;
      options.logger.info({ buffered: res.writableLength }, 'dashboard client dropped: it does not read');
      remove(res);
      res.destroy();
      return;
    }
    res.write(frame);
    stats.sent++;
  };

  const tick = async () => {
    if (building) return; // a slow store skips ticks rather than piling them up
    building = true;
    let overdue: NodeJS.Timeout | undefined;
    const givenUp = new Promise<never>((_, reject) => {
      overdue = setTimeout(
        () => reject(new TimeoutError(`the dashboard snapshot took longer than ${deadlineMs} ms`)),
        deadlineMs,
      );
    });
    try {
      last = `event: snapshot\ndata: ${JSON.stringify(await Promise.race([options.snapshot(), givenUp]))}\n\n`;
      for (const res of [...clients]) send(res, last);
    } catch (err) {
      options.logger.warn({ err }, 'dashboard snapshot failed');
      const frame = `event: trouble\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`;
      for (const res of [...clients]) send(res, frame);
    } finally {
      clearTimeout(overdue);
      building = false;
    }
  };

  return {
    stats,
    attach(res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // How long a browser waits before it reconnects after the gateway went away.
      res.write('retry: 1000\n\n');
      clients.add(res);
      stats.clients = clients.size;
      res.on('close', () => remove(res));
      if (last) send(res, last);
      if (!timer) {
        timer = setInterval(() => void tick(), options.intervalMs);
        void tick();
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const res of clients) res.destroy();
      clients.clear();
      stats.clients = 0;
    },
  };
}
