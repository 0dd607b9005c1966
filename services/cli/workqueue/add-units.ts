import type { WorkQueueClient } from '@passerine/client';
import { MAX_UNITS_PER_ADD } from '@passerine/workqueue-api';
import type { Name } from '@passerine/workqueue';
import type { Progress } from './progress.ts';
import { unitBatches } from './units-file.ts';

/**
 * Sends the units of a checked file to a spec in batches of at most MAX_UNITS_PER_ADD, one batch
 * at a time: each batch is applied whole or not at all, and sending them in order keeps "the last
 * line wins" for a key that appears twice. Returns how many units were sent.
 */
export async function addUnitsFromFile(
  client: WorkQueueClient,
  spec: Name,
  path: string,
  progress: Progress,
  batchSize = MAX_UNITS_PER_ADD,
): Promise<number> {
  let sent = 0;
  for await (const units of unitBatches(path, Math.min(batchSize, MAX_UNITS_PER_ADD))) {
    try {
      await client.call('addWorkUnits', { spec, units });
    } catch (err) {
      if (sent === 0) throw err;
      // Batches before this one are in; say how far the load got so it can be resumed.
      throw new Error(`${(err as Error).message} — after ${sent} unit(s) had been added`);
    }
    sent += units.length;
    progress.advance(units.length);
  }
  return sent;
}
