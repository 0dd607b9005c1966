import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from '@passerine/core';
import type { WorkQueueApi } from '../coordinate/index.ts';
import type { PasserineMetrics } from '@passerine/metrics';
import type { EdgeToken } from '@passerine/security';
import { bearerInterceptor } from './bearer-interceptor.ts';
import { callFiguresInterceptor } from './call-figures.ts';
import { loadProtos } from './load-protos.ts';
import { type SchedulerDeps, schedulerService } from './scheduler-service.ts';
import { SubscriberRegistry } from './task-stream.ts';
import { workerService } from './worker-service.ts';
import { workQueueService } from './workqueue-service.ts';

export interface GrpcServer {
  /** Binds and serves; resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Lets calls in flight finish for a moment, then cuts the rest (streams included). */
  close(): Promise<void>;
}

/** Limits on the gRPC edge: a message at most as large as a CBOR-RPC frame, bounded streams. */
const serverOptions = {
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.max_send_message_length': 16 * 1024 * 1024,
  'grpc.max_concurrent_streams': 1000,
};
const GRACE_MS = 2000;

export interface GrpcServerOptions {
  api: WorkQueueApi;
  namespace: string;
  logger: Logger;
  /** The frontends' job API, for the Scheduler service. */
  scheduler: SchedulerDeps;
  /** When given, every call needs one of these bearer tokens (see bearerInterceptor). */
  tokens?: readonly EdgeToken[];
  /** Where its calls are counted and timed. */
  metrics: PasserineMetrics;
  /** Serve TLS with this certificate; with a client authority, require its client certificates. */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
}

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const logger = options.logger.child({ component: 'grpc' });
  const protos = loadProtos();
  const server = new Server({
    ...serverOptions,
    interceptors: [
      callFiguresInterceptor(options.metrics),
      ...(options.tokens ? [bearerInterceptor(options.tokens, options.namespace, logger)] : []),
    ],
  });
  server.addService(protos.WorkQueue.service, workQueueService(options.api, options.namespace, logger));
  const subscribers = new SubscriberRegistry();
  server.addService(protos.Worker.service, workerService(options.api, subscribers, logger));
  server.addService(protos.Scheduler.service, schedulerService(options.scheduler, logger));
  let bound = false;

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        const credentials = options.tls
          ? ServerCredentials.createSsl(
              options.tls.clientCa ?? null,
              [{ cert_chain: options.tls.cert, private_key: options.tls.key }],
              options.tls.clientCa !== undefined,
            )
          : ServerCredentials.createInsecure();
        server.bindAsync(address, credentials, (err, boundPort) => {
          if (err) return reject(err);
          bound = true;
          logger.info({ host, port: boundPort }, 'gRPC listening');
          resolve(boundPort);
        });
      });
    },
    close() {
      if (!bound) return Promise.resolve();
      subscribers.stopAll();
      return new Promise((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
