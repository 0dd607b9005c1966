import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { WorkQueueClient } from '@passerine/client';
import { provision } from '@passerine/eventlog';
import type { LocalRpc, NatsConnection } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { uniquePrefix } from '@passerine/test-support';
import { createStoreService, type StoreOptions } from './index.ts';

/**
 * A store replica and a client on a fresh prefix of a test server. With `local`, the store serves
 * the client through it (as `passerine up` does in one process) as well as over NATS.
 */
export async function startStore(
  nc: NatsConnection,
  options: StoreOptions & { prefix?: string; local?: LocalRpc } = {},
) {
  const names = createNames(options.prefix ?? uniquePrefix());
  await provision(nc, names);
  const store = createStoreService(
    { nc, names, logger: silentLogger(), clock: systemClock, ids: randomIdSource(), local: options.local },
    { leaseTtlMs: 1_000, ...options },
  );
  await store.start();
  const client = new WorkQueueClient(nc, names, { local: options.local });
  return { names, store, client };
}
