import type { Service, ServiceContext } from '@passerine/natsconn';
import { createFrontendService } from '@passerine/frontend';
import { createGatewayService } from '@passerine/gateway';
import { createNodeMonitorService } from '@passerine/node-monitor';
import { createStoreService } from '@passerine/store';

export interface UpOptions {
  cborPort: number;
  cborHost: string;
  grpcPort: number;
}

/** Builds one service; services stay independent packages that can also run alone as replicas. */
export type ServiceFactory = (ctx: ServiceContext, options: UpOptions) => Service | Promise<Service>;

export interface RegisteredService {
  name: string;
  create: ServiceFactory;
}

/** Every service, in start order: `passerine up` runs them all, `passerine serve NAME` one of them. */
export const registeredServices: RegisteredService[] = [
  {
    name: 'store',
    create: (ctx) => createStoreService(ctx, { replicas: Number(process.env.PASSERINE_REPLICAS ?? 1) }),
  },
  {
    name: 'gateway',
    create: (ctx, o) =>
      createGatewayService(ctx, {
        cborHost: o.cborHost,
        cborPort: o.cborPort,
        grpcPort: o.grpcPort,
        namespace: process.env.PASSERINE_NAMESPACE ?? 'default',
      }),
  },
  { name: 'frontend', create: (ctx) => createFrontendService(ctx) },
  { name: 'node-monitor', create: (ctx) => createNodeMonitorService(ctx) },
];
