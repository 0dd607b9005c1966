import { WorkQueueClient } from '@passerine/client';
import { createMetrics, renderInstanceMetrics } from '@passerine/metrics';
import type { Service, ServiceContext } from '@passerine/natsconn';
import { type CborRpcServer, createCborRpcServer } from './cbor-rpc/index.ts';
import { coordinateMethods, createCoordinateHandler } from './coordinate/index.ts';
import { EdgeProcesses } from './edge/edge-processes.ts';
import { edgeSecurity } from './edge-security.ts';
import { connectionFigures, observedHandler } from './observed-edge.ts';
import { createGrpcServer, type GrpcServer } from './grpc/index.ts';
import { createHttpServer, type HttpServer, type HttpServerOptions, httpAuthorizer } from './http/index.ts';

export interface GatewayOptions {
  /** Defaults to 127.0.0.1: Coordinate has no authentication, so exposure must be a choice. */
  cborHost?: string;
  /** Coordinate's TCP port (5932); 0 picks a free one. */
  cborPort?: number;
  /** Defaults to the CBOR host. */
  grpcHost?: string;
  /** 5933; 0 picks a free one. */
  grpcPort?: number;
  /** The HTTP API and dashboard (5980); 0 picks a free one. Listens on the CBOR host. */
  httpPort?: number;
  /** Options of the HTTP server beyond its port (the metrics it serves, a credentials check). */
  http?: Pick<HttpServerOptions, 'renderMetrics' | 'authorize' | 'pushIntervalMs' | 'maxPushBufferBytes'>;
  /** The work-queue namespace Coordinate clients of this gateway work in. */
  namespace?: string;
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** Networks CBOR-RPC accepts connections from; empty or absent: any. */
  cborAllow?: string[];
  /** Namespaces CBOR-RPC may serve: required, naming `namespace`, when bound beyond loopback. */
  cborNamespaces?: string[];
  /** A file of bearer tokens gRPC requires (see parseTokenFile); absent: none asked. */
  edgeTokens?: string;
  /** TLS for gRPC: certificate and key, and an authority whose client certificates it requires. */
  edgeCert?: string;
  edgeKey?: string;
  edgeClientCa?: string;
  /**
   * Processes serving Coordinate connections: this one and `threads - 1` edge processes it hands
   * connections to. Default 1.
   */
  threads?: number;
}

export interface GatewayService extends Service {
  /** The ports actually bound (after start). */
  readonly ports: { cbor: number; grpc: number; http: number };
  /** Process ids of the edge processes serving Coordinate connections (none with one thread). */
  edgePids(): number[];
}

export const gatewayDefaults = {
  cborHost: '127.0.0.1',
  cborPort: 5932,
  grpcPort: 5933,
  httpPort: 5980,
  namespace: 'default',
} as const;

/**
 * The edges: Coordinate's CBOR-RPC, gRPC, and HTTP (the JSON API and the dashboard). Holds no state; every call becomes a request to the
 * store leader of its namespace.
 */
export function createGatewayService(ctx: ServiceContext, options: GatewayOptions = {}): GatewayService {
  const cborHost = options.cborHost ?? gatewayDefaults.cborHost;
  const grpcHost = options.grpcHost ?? cborHost;
  const namespace = options.namespace ?? gatewayDefaults.namespace;
  const logger = ctx.logger.child({ service: 'gateway', namespace });
  const api = new WorkQueueClient(ctx.nc, ctx.names, { namespace, local: ctx.local });
  const ports = { cbor: 0, grpc: 0, http: 0 };
  const edge = edgeSecurity(cborHost, namespace, options);
  const metrics = ctx.metrics ?? createMetrics();
  const methods = new Set(coordinateMethods(namespace).keys());
  let cbor: CborRpcServer | undefined;
  let grpc: GrpcServer | undefined;
  let http: HttpServer | undefined;
  let edges: EdgeProcesses | undefined;

  return {
    name: 'gateway',
    ports,
    async start() {
      const threads = options.threads ?? 1;
      if (threads > 1) {
        edges = new EdgeProcesses(
          threads - 1,
          {
            natsUrl: `nats://${ctx.nc.getServer()}`,
            prefix: ctx.names.prefix,
            namespace,
            logLevel: logger.level,
            maxFrameBytes: options.maxFrameBytes,
            idleTimeoutMs: options.idleTimeoutMs,
            natsAccess: ctx.natsAccess,
          },
          logger,
          (err) => {
            // Serving on with edges that keep dying would be half a server: stop the process.
            logger.fatal({ err }, 'gateway edge processes keep failing; exiting');
            process.exit(1);
          },
        );
        try {
          await edges.start();
        } catch (err) {
          await edges.stop();
          throw err;
        }
      }
      const handOff = edges ? edges.take.bind(edges) : undefined;
      cbor = createCborRpcServer({
        handOff,
        handler: observedHandler(createCoordinateHandler(api, namespace), methods, metrics),
        observer: connectionFigures(metrics, 'cbor'),
        host: cborHost,
        port: options.cborPort ?? gatewayDefaults.cborPort,
        maxFrameBytes: options.maxFrameBytes,
        idleTimeoutMs: options.idleTimeoutMs,
        maxConnections: options.maxConnections,
        allowedNetworks: edge.allowedNetworks,
        logger,
      });
      try {
        ports.cbor = (await cbor.listen()).port;
        grpc = createGrpcServer({
          api,
          namespace,
          logger,
          scheduler: ctx,
          tokens: edge.tokens,
          tls: edge.tls,
          metrics,
        });
        ports.grpc = await grpc.listen(grpcHost, options.grpcPort ?? gatewayDefaults.grpcPort);
        // /metrics covers the whole instance: every process answers the gather with its own figures.
        const renderMetrics = async () => {
          const { contentType, text } = await renderInstanceMetrics(ctx.nc, ctx.names);
          return { contentType, body: text };
        };
        // With edge tokens, HTTP asks for them as gRPC does; on the loopback default neither asks.
        const authorize = edge.tokens && httpAuthorizer(edge.tokens, logger);
        http = createHttpServer({
          renderMetrics,
          ...(authorize && { authorize }),
          ...(edge.tls && { tls: edge.tls }),
          ...options.http,
          nc: ctx.nc,
          names: ctx.names,
          namespace,
          logger,
        });
        ports.http = await http.listen(cborHost, options.httpPort ?? gatewayDefaults.httpPort);
      } catch (err) {
        await Promise.all([cbor.close(), grpc?.close(), http?.close()]);
        await edges?.stop();
        throw err;
      }
    },
    async stop() {
      await Promise.all([cbor?.close(), grpc?.close(), http?.close()]);
      await edges?.stop();
    },
    edgePids() {
      return edges?.pids() ?? [];
    },
    endpoints() {
      return {
        cbor: `tcp://${cborHost}:${ports.cbor}`,
        grpc: `${grpcHost}:${ports.grpc}`,
        http: `http://${cborHost}:${ports.http}`,
      };
    },
  };
}
