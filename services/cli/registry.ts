import { readSettings, type SettingValues, type Sources, serviceSettings } from '@passerine/config';
import { UnavailableError } from '@passerine/core';
import { Dispatcher } from '@passerine/dispatcher';
import { Frontend } from '@passerine/frontend';
import { createGatewayService } from '@passerine/gateway';
import type { Service, ServiceContext } from '@passerine/natsconn';
import { NodeMonitor } from '@passerine/node-monitor';
import { createStoreService } from '@passerine/store';

/** Builds one service from its checked options; services stay packages that can also run alone as replicas. */
export type ServiceFactory = (ctx: ServiceContext) => Service | Promise<Service>;

export interface RegisteredService {
  name: keyof Services;
  /** Reads and checks the service's settings (before anything starts), giving what builds it. */
  prepare(sources: Sources): ServiceFactory;
}

type Services = typeof serviceSettings;

function service<K extends keyof Services>(
  name: K,
  create: (ctx: ServiceContext, options: SettingValues<Services[K]>) => Service,
): RegisteredService {
  return {
    name,
    prepare(sources) {
      const options = readSettings(serviceSettings[name], sources);
      return (ctx) => create(ctx, options);
    },
  };
}

/** Every service, in start order: `passerine up` runs them all, `passerine serve NAME` some of them. */
export const registeredServices: RegisteredService[] = [
  service('store', (ctx, options) => createStoreService(ctx, options)),
  service('gateway', (ctx, options) => createGatewayService(ctx, options)),
  service('frontend', (ctx, options) => new Frontend(ctx, options)),
  service(
    'node-monitor',
    (ctx, { cpus, memMb, diskMb, ...options }) =>
      new NodeMonitor(ctx, { ...options, resources: { cpus, memMb, diskMb } }),
  ),
  service('dispatcher', (ctx, options) => new Dispatcher(ctx, options)),
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
