import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkQueueClient } from '@passerine/client';
import type { Logger } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { batchRoutes } from './batch-routes.ts';
import { createSnapshotSource } from './dashboard-snapshot.ts';
import { deadLetterRoutes } from './deadletter-routes.ts';
import { replyWithError } from './http-errors.ts';
import { createLiveFeed, type LiveFeed } from './live-feed.ts';
import { openApiDocument, registerRoutes } from './routes.ts';
import { schedulingRoutes } from './scheduling-routes.ts';
import { workQueueRoutes } from './workqueue-routes.ts';

const dashboardDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboard');
const require = createRequire(import.meta.url);

/** Largest request body accepted; the largest action names MAX_KEYS_PER_REQUEST keys. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Namespaces whose store clients are kept; past it the oldest is let go (they are cheap to remake). */
const MAX_NAMESPACE_CLIENTS = 256;

export interface HttpServerOptions {
  nc: NatsConnection;
  names: Names;
  /** The namespace the dashboard shows. */
  namespace: string;
  logger: Logger;
  /** Dashboard push period. */
  pushIntervalMs?: number;
  /** Unwritten bytes a dashboard client may hold before it is dropped (default 1 MiB). */
  maxPushBufferBytes?: number;
  /**
   * The instance's Prometheus text, served at /metrics. libs/metrics provides it
   * (renderInstanceMetrics); without it, /metrics is not served.
   */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
  /** Checks a request's credentials before any route (a bearer token); throws a coded error to refuse. */
  authorize?: (request: FastifyRequest) => void | Promise<void>;
  /**
   * Serve HTTPS with this certificate (the edge's, as gRPC); with a client authority, a client
   * certificate of another authority (or none) is refused in the handshake.
   */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
}

function httpsOf(tls: NonNullable<HttpServerOptions['tls']>) {
  const { cert, key, clientCa } = tls;
  return { cert, key, ...(clientCa && { ca: clientCa, requestCert: true, rejectUnauthorized: true }) };
}

export interface HttpServer {
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
  readonly app: FastifyInstance;
  readonly feed: LiveFeed;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { nc, names, logger } = options;
  const clients = new Map<string, WorkQueueClient>();
  const clientFor = (namespace: string) => {
    let client = clients.get(namespace);
    if (!client) {
      client = new WorkQueueClient(nc, names, { namespace, leaderWaitMs: 5_000 });
      clients.set(namespace, client);
      if (clients.size > MAX_NAMESPACE_CLIENTS) clients.delete(clients.keys().next().value as string);
    }
    return client;
  };
  const app = Fastify({
    loggerInstance: logger.child({ edge: 'http' }) as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.tls && { https: httpsOf(options.tls) }),
  }) as unknown as FastifyInstance;
  app.setErrorHandler(replyWithError);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
  if (options.authorize) app.addHook('onRequest', async (request) => options.authorize!(request));

  const routes = [
    ...workQueueRoutes(clientFor),
    ...schedulingRoutes(nc, names),
    ...batchRoutes(nc, names),
    ...deadLetterRoutes(nc, names, clientFor),
  ];
  registerRoutes(app, routes);
  const openApi = openApiDocument(routes, '1');
  app.get('/openapi.json', async () => openApi);

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    // Ready: NATS connected and a store leads the dashboard's namespace (it answers a query).
    if (nc.isClosed()) return reply.code(503).send({ ready: false, reason: 'NATS connection closed' });
    try {
      await clientFor(options.namespace).call('summary', {});
      return { ready: true, nats: nc.getServer(), namespace: options.namespace };
    } catch (err) {
      return reply.code(503).send({
        ready: false,
        reason: `no store answers for namespace ${options.namespace}: ${(err as Error).message}`,
      });
    }
  });
  if (options.renderMetrics) {
    const render = options.renderMetrics;
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await render();
      return reply.type(contentType).send(body);
    });
  }

  const source = createSnapshotSource(nc, names, clientFor(options.namespace));
  const feed = createLiveFeed({
    snapshot: () => source.snapshot(),
    intervalMs: options.pushIntervalMs ?? 1_000,
    maxBufferedBytes: options.maxPushBufferBytes ?? 1024 * 1024,
    logger,
  });
  app.get('/api/v1/live', (request, reply) => {
    reply.hijack();
    feed.attach(reply.raw);
    request.raw.on('error', () => undefined);
  });

  const assets: Record<string, [file: string, type: string]> = {
    '/': [join(dashboardDir, 'index.html'), 'text/html; charset=utf-8'],
    '/assets/dashboard-common.js': [
      join(dashboardDir, 'dashboard-common.js'),
      'text/javascript; charset=utf-8',
    ],
    '/assets/dashboard-operations.js': [
      join(dashboardDir, 'dashboard-operations.js'),
      'text/javascript; charset=utf-8',
    ],
    '/assets/dashboard.js': [join(dashboardDir, 'dashboard.js'), 'text/javascript; charset=utf-8'],
    '/assets/dashboard.css': [join(dashboardDir, 'dashboard.css'), 'text/css; charset=utf-8'],
    '/assets/uplot.js': [require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    '/assets/uplot.css': [require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8'],
  };
  for (const [path, [file, type]] of Object.entries(assets)) {
    app.get(path, async (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .send(await readFile(file)),
    );
  }

  return {
    app,
    feed,
    async listen(host, port) {
      await app.listen({ host, port });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async close() {
      feed.close();
      source.close();
      await app.close();
    },
  };
}
