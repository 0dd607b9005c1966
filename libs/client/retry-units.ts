import { IllegalStateError, NotFoundError } from '@passerine/core';
import { WorkUnitStatus } from '@passerine/workqueue';
import type { Name } from '@passerine/workqueue-api';
import type { WorkQueueClient } from './workqueue-client.ts';

/** Which failed units to make available again: these keys, or every failed unit of the spec. */
export type RetryChoice = { keys: Name[] } | { allFailed: true };

/** Units one round of "every failed unit" retries before it looks again. */
const RETRY_BATCH = 1_000;

interface StatusView {
  status: number;
}

const describe = (key: Name) =>
  typeof key === 'string' ? JSON.stringify(key) : `b'${Buffer.from(key).toString('hex')}' (hex)`;

/**
 * Retry as Coordinate's tool does it: a failed unit becomes available again, its data kept. Named
 * keys are all checked first, so a key that is missing (404) or not failed (409) retries nothing.
 * Returns how many units were made available.
 */
export async function retryUnits(client: WorkQueueClient, spec: Name, choice: RetryChoice): Promise<number> {
  if ('keys' in choice) {
    const statuses = await client.call<'getWorkUnitStatus', Array<StatusView | null>>('getWorkUnitStatus', {
      spec,
      keys: choice.keys,
    });
    for (const [i, view] of statuses.entries()) {
      const key = choice.keys[i];
      if (!view)
        throw new NotFoundError(`no work unit ${describe(key)} in this work spec`, { key: describe(key) });
      if (view.status !== WorkUnitStatus.FAILED) {
        throw new IllegalStateError(`work unit ${describe(key)} has not failed, so it cannot be retried`, {
          key: describe(key),
          status: view.status,
        });
      }
    }
    for (const key of choice.keys) await makeAvailable(client, spec, key);
    return choice.keys.length;
  }
  let retried = 0;
  for (;;) {
    const page = await client.call<'getWorkUnits', Array<[Name, unknown]>>('getWorkUnits', {
      spec,
      state: WorkUnitStatus.FAILED,
      limit: RETRY_BATCH,
    });
    if (page.length === 0) return retried;
    for (const [key] of page) await makeAvailable(client, spec, key);
    retried += page.length;
  }
}

function makeAvailable(client: WorkQueueClient, spec: Name, key: Name): Promise<unknown> {
  return client.call('updateWorkUnit', { spec, key, status: WorkUnitStatus.AVAILABLE });
}
