import { WorkQueueClient } from '@passerine/client';
import { createMetrics } from '@passerine/metrics';
import type { Service, ServiceContext } from '@passerine/natsconn';
import { type CborRpcServer, createCborRpcServer } from './cbor-rpc/index.ts';
import { coordinateMethods, createCoordinateHandler } from './coordinate/index.ts';
import { connectionFigures, observedHandler } from './observed-edge.ts';
import { createGrpcServer, type GrpcServer } from './grpc/index.ts';

export interface GatewayOptions {
  /** Defaults to 127.0.0.1: Coordinate has no authentication, so exposure must be a choice. */
  cborHost?: string;
  /** Coordinate's TCP port (5932); 0 picks a free one. */
  cborPort?: number;
  /** Defaults to the CBOR host. */
  grpcHost?: string;
  /** 5933; 0 picks a free one. */
  grpcPort?: number;
  /** The work-queue namespace Coordinate clients of this gateway work in. */
  namespace?: string;
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
}

export interface GatewayService extends Service {
  /** The ports actually bound (after start). */
  readonly ports: { cbor: number; grpc: number };
}

export const gatewayDefaults = {
  cborHost: '127.0.0.1',
  cborPort: 5932,
  grpcPort: 5933,
  namespace: 'default',
} as const;

/**
 * The edges: Coordinate's CBOR-RPC and gRPC. Holds no state; every call becomes a request to the
 * store leader of its namespace.
 */
export function createGatewayService(ctx: ServiceContext, options: GatewayOptions = {}): GatewayService {
  const cborHost = options.cborHost ?? gatewayDefaults.cborHost;
  const grpcHost = options.grpcHost ?? cborHost;
  const namespace = options.namespace ?? gatewayDefaults.namespace;
  const logger = ctx.logger.child({ service: 'gateway', namespace });
  const api = new WorkQueueClient(ctx.nc, ctx.names, { namespace });
  const ports = { cbor: 0, grpc: 0 };
  const metrics = ctx.metrics ?? createMetrics();
  const methods = new Set(coordinateMethods(namespace).keys());
  let cbor: CborRpcServer | undefined;
  let grpc: GrpcServer | undefined;

  return {
    name: 'gateway',
    ports,
    async start() {
      cbor = createCborRpcServer({
        handler: observedHandler(createCoordinateHandler(api, namespace), methods, metrics),
        observer: connectionFigures(metrics, 'cbor'),
        host: cborHost,
        port: options.cborPort ?? gatewayDefaults.cborPort,
        maxFrameBytes: options.maxFrameBytes,
        idleTimeoutMs: options.idleTimeoutMs,
        maxConnections: options.maxConnections,
        logger,
      });
      ports.cbor = (await cbor.listen()).port;
      try {
        grpc = createGrpcServer({ api, namespace, logger, scheduler: ctx });
        ports.grpc = await grpc.listen(grpcHost, options.grpcPort ?? gatewayDefaults.grpcPort);
      } catch (err) {
        await cbor.close();
        throw err;
      }
    },
    async stop() {
      await Promise.all([cbor?.close(), grpc?.close()]);
    },
    endpoints() {
      return { cbor: `tcp://${cborHost}:${ports.cbor}`, grpc: `${grpcHost}:${ports.grpc}` };
    },
  };
}
