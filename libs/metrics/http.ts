import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free one. */
  port: number;
  /** The text served at /metrics and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A service's own /metrics (`--metrics-port`), for a service run alone. One route on node:http is
 * all it needs, so it carries no framework; the gateway's HTTP server mounts the instance-wide one.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' });
      res.end(req.method === 'GET' ? `no such path ${path}: metrics are at /metrics\n` : 'only GET\n');
      return;
    }
    options.render().then(
      ({ contentType, text }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(text);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics unavailable: ${err.message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a single process serves: its own registry. */
export function renderRegistry(registry: {
  contentType: string;
  metrics(): Promise<string>;
}): () => Promise<{ contentType: string; text: string }> {
  return async () => ({ contentType: registry.contentType, text: await registry.metrics() });
}
