import type { WorkQueueClient } from '@passerine/client';
import { WorkUnitStatus, type Name, type WorkUnitStatusView } from '@passerine/workqueue';
import { MAX_KEYS_PER_REQUEST } from '@passerine/workqueue-api';
import { cborToJson, nameToJson } from '../workqueue/cbor-json.ts';
import { resolveSpecName, showName } from '../workqueue/names.ts';
import type { SpecSummaryRow } from '../workqueue/summary-command.ts';
import type { DeadLetter, DeadLetterFilter, DeadLetterSource } from './source.ts';

interface FailedUnit {
  spec: Name;
  key: Name;
  traceback: string;
}

/** The failed units of one spec, a page at a time, with the traceback of each. */
async function failedUnits(client: WorkQueueClient, spec: Name): Promise<FailedUnit[]> {
  const out: FailedUnit[] = [];
  let start: Name | undefined;
  for (;;) {
    const page = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>('getWorkUnits', {
      spec,
      state: WorkUnitStatus.FAILED,
      start,
      limit: MAX_KEYS_PER_REQUEST,
    });
    const units = start === undefined ? page : page.slice(1);
    if (units.length === 0) return out;
    const views = await client.call<'getWorkUnitStatus', Array<WorkUnitStatusView | null>>(
      'getWorkUnitStatus',
      {
        spec,
        keys: units.map(([key]) => key),
      },
    );
    for (const [i, [key, data]] of units.entries()) {
      // Passerine's own traceback, else the one a Coordinate client left in the unit's data.
      const inData = (cborToJson(data) as { traceback?: unknown } | null)?.traceback;
      const traceback = views[i]?.traceback ?? (typeof inData === 'string' ? inData : '');
      out.push({ spec, key, traceback });
    }
    if (page.length < MAX_KEYS_PER_REQUEST) return out;
    start = page.at(-1)![0];
  }
}

async function specsOf(client: WorkQueueClient, filter: DeadLetterFilter): Promise<Name[]> {
  if (filter.spec !== undefined) return [await resolveSpecName(client, filter.spec)];
  const rows = await client.call<'summary', SpecSummaryRow[]>('summary', {});
  return rows.filter((row) => (row.counts[WorkUnitStatus.FAILED] ?? 0) > 0).map((row) => row.name);
}

/**
 * Work units that failed (exhausted max_retries, or failed by their worker). No status of their
 * own: they are FAILED, as Coordinate clients see them; redrive is Coordinate's retry, the unit
 * set back to AVAILABLE.
 */
export function unitDeadLetters(client: WorkQueueClient): DeadLetterSource {
  const failed = async (filter: DeadLetterFilter) => {
    if (filter.job !== undefined) return [];
    const units: FailedUnit[] = [];
    for (const spec of await specsOf(client, filter)) units.push(...(await failedUnits(client, spec)));
    return units;
  };
  return {
    kind: 'unit',
    list: async (filter) =>
      (await failed(filter)).map(
        (unit): DeadLetter => ({
          kind: 'unit',
          id: `${showName(unit.spec)}/${showName(unit.key)}`,
          scope: showName(unit.spec),
          lastError: unit.traceback.trim().split('\n').at(-1) ?? '',
          detail: { spec: nameToJson(unit.spec), key: nameToJson(unit.key), traceback: unit.traceback },
        }),
      ),
    redrive: async (filter) => {
      const redriven: string[] = [];
      for (const unit of await failed(filter)) {
        await client.call('updateWorkUnit', {
          spec: unit.spec,
          key: unit.key,
          status: WorkUnitStatus.AVAILABLE,
        });
        redriven.push(`${showName(unit.spec)}/${showName(unit.key)}`);
      }
      return redriven;
    },
  };
}
