import { readSettings, type SettingValues, type Sources, serviceSettings } from '@passerine/config';
import { UnavailableError } from '@passerine/core';
import type { Service, ServiceContext } from '@passerine/natsconn';

/** Builds one service from its checked options; services stay packages that can also run alone as replicas. */
export type ServiceFactory = (ctx: ServiceContext) => Service | Promise<Service>;

export interface RegisteredService {
  name: keyof Services;
  /** Reads and checks the service's settings (before anything starts), giving what builds it. */
  prepare(sources: Sources): ServiceFactory;
}

type Services = typeof serviceSettings;

type Create<K extends keyof Services> = (ctx: ServiceContext, options: SettingValues<Services[K]>) => Service;

/**
 * A service's package is loaded only when the service is built: every client command of the CLI
 * (`units list`, `jobs submit`, …) would otherwise load all of them first, which was most of its
 * start-up time.
 */
function service<K extends keyof Services>(name: K, load: () => Promise<Create<K>>): RegisteredService {
  return {
    name,
    prepare(sources) {
      const options = readSettings(serviceSettings[name], sources);
      return async (ctx) => (await load())(ctx, options);
    },
  };
}

/** Every service, in start order: `passerine up` runs them all, `passerine serve NAME` some of them. */
export const registeredServices: RegisteredService[] = [
  service('store', async () => {
    const { createStoreService } = await import('@passerine/store');
    return (ctx, options) => createStoreService(ctx, options);
  }),
  service('gateway', async () => {
    const { createGatewayService } = await import('@passerine/gateway');
    return (ctx, options) => createGatewayService(ctx, options);
  }),
  service('frontend', async () => {
    const { Frontend } = await import('@passerine/frontend');
    return (ctx, options) => new Frontend(ctx, options);
  }),
  service('node-monitor', async () => {
    const { NodeMonitor } = await import('@passerine/node-monitor');
    return (ctx, { cpus, memMb, diskMb, ...options }) =>
      new NodeMonitor(ctx, { ...options, resources: { cpus, memMb, diskMb } });
  }),
  service('dispatcher', async () => {
    const { Dispatcher } = await import('@passerine/dispatcher');
    return (ctx, options) => new Dispatcher(ctx, options);
  }),
];

/** The services to run: all of them, or those named (a name no service has is refused). */
export function chooseServices(only?: readonly string[]): RegisteredService[] {
  const unknown = (only ?? []).filter((n) => !registeredServices.some((s) => s.name === n));
  if (unknown.length) {
    throw new UnavailableError(
      `no such service ${unknown.join(', ')} (known: ${registeredServices.map((s) => s.name).join(', ')})`,
    );
  }
  return registeredServices.filter((s) => !only || only.includes(s.name));
}
