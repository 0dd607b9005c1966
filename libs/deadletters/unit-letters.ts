import { decodeValue, type JsonValue, toJsonValue } from '@passerine/cbor';
import { retryUnits, type WorkQueueClient } from '@passerine/client';
import { NotFoundError } from '@passerine/core';
import { describeName, type Name, WorkUnitStatus, type WorkUnitStatusView } from '@passerine/workqueue';
import { MAX_KEYS_PER_REQUEST, type SpecSummary } from '@passerine/workqueue-api';
import type { DeadLetter, DeadLetterFilter, DeadLetterSource } from './dead-letter.ts';

interface FailedUnit {
  spec: Name;
  key: Name;
  traceback: string;
}

/** Text as it is; bytes in Python's b'…' form, so the two kinds stay distinguishable. */
const showName = (name: Name) => (typeof name === 'string' ? name : describeName(name));

const cborToJson = (bytes: Uint8Array | null | undefined): JsonValue =>
  bytes ? toJsonValue(decodeValue(bytes)) : null;

/** Passerine's own traceback, else the one a Coordinate client left in the unit's data. */
function tracebackOf(view: WorkUnitStatusView | null | undefined, data: Uint8Array | null): string {
  const inData = (cborToJson(data) as { traceback?: unknown } | null)?.traceback;
  return view?.traceback ?? (typeof inData === 'string' ? inData : '');
}

/** The failed units of one spec, a page at a time, with the traceback of each; at most `limit`. */
async function failedUnits(client: WorkQueueClient, spec: Name, limit: number): Promise<FailedUnit[]> {
  const out: FailedUnit[] = [];
  let start: Name | undefined;
  while (out.length < limit) {
    const page = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>('getWorkUnits', {
      spec,
      state: WorkUnitStatus.FAILED,
      start,
      limit: Math.min(MAX_KEYS_PER_REQUEST, limit - out.length + (start === undefined ? 0 : 1)),
    });
    const units = start === undefined ? page : page.slice(1);
    if (units.length === 0) return out;
    const views = await client.call<'getWorkUnitStatus', Array<WorkUnitStatusView | null>>(
      'getWorkUnitStatus',
      { spec, keys: units.map(([key]) => key) },
    );
    for (const [i, [key, data]] of units.entries()) {
      out.push({ spec, key, traceback: tracebackOf(views[i], data) });
    }
    if (page.length < MAX_KEYS_PER_REQUEST) return out;
    start = page.at(-1)![0];
  }
  return out;
}

/**
 * The spec a name means, as the CLI resolves it: the text-named spec, else one whose name is
 * those UTF-8 bytes (Python 2 clients name specs with byte strings). Unknown: NotFoundError.
 */
export async function resolveSpec(client: WorkQueueClient, text: string): Promise<SpecSummary> {
  const specs = await client.call<'summary', SpecSummary[]>('summary', {});
  const asBytes = Buffer.from(text, 'utf8');
  const found =
    specs.find((s) => s.name === text) ??
    specs.find((s) => s.name instanceof Uint8Array && asBytes.equals(s.name));
  if (!found)
    throw new NotFoundError(`no work spec ${JSON.stringify(text)} in namespace ${client.namespace}`);
  return found;
}

async function specsOf(client: WorkQueueClient, filter: DeadLetterFilter): Promise<Name[]> {
  if (filter.spec !== undefined) return [(await resolveSpec(client, filter.spec)).name];
  const rows = await client.call<'summary', SpecSummary[]>('summary', {});
  return rows.filter((row) => (row.counts[WorkUnitStatus.FAILED] ?? 0) > 0).map((row) => row.name);
}

function letter(unit: FailedUnit): DeadLetter {
  return {
    kind: 'unit',
    id: `${showName(unit.spec)}/${showName(unit.key)}`,
    scope: showName(unit.spec),
    lastError: unit.traceback.trim().split('\n').at(-1) ?? '',
    detail: { spec: toJsonValue(unit.spec), key: toJsonValue(unit.key), traceback: unit.traceback },
  };
}

export interface UnitDeadLetters extends DeadLetterSource {
  /** One failed unit; NotFoundError when the spec or unit is unknown or the unit has not failed. */
  show(spec: Name, key: Name): Promise<DeadLetter>;
  /**
   * Redrives these failed units of a spec, or all of them: every named key is checked first, so
   * a key that is missing (NotFoundError) or has not failed (IllegalStateError) redrives nothing.
   */
  redriveUnits(spec: Name, choice: { keys: Name[] } | { allFailed: true }): Promise<number>;
}

/**
 * Work units that failed (exhausted max_retries, or failed by their worker). No status of their
 * own: they are FAILED, as Coordinate clients see them; redrive is Coordinate's retry, the unit
 * set back to AVAILABLE. A spec named in the filter that does not exist is a NotFoundError.
 */
export function unitDeadLetters(client: WorkQueueClient): UnitDeadLetters {
  const failed = async (filter: DeadLetterFilter) => {
    if (filter.job !== undefined) return [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const units: FailedUnit[] = [];
    for (const spec of await specsOf(client, filter)) {
      if (units.length >= limit) break;
      units.push(...(await failedUnits(client, spec, limit - units.length)));
    }
    return units;
  };
  return {
    kind: 'unit',
    list: async (filter) => (await failed(filter)).map(letter),
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
    async show(spec, key) {
      const [view] = await client.call<'getWorkUnitStatus', Array<WorkUnitStatusView | null>>(
        'getWorkUnitStatus',
        { spec, keys: [key] },
      );
      const named = `work unit ${JSON.stringify(showName(key))} of ${JSON.stringify(showName(spec))}`;
      if (!view) throw new NotFoundError(`no ${named}`);
      if (view.status !== WorkUnitStatus.FAILED)
        throw new NotFoundError(`${named} has not failed: no dead letter`);
      const [[, data] = [key, null]] = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>(
        'getWorkUnits',
        { spec, keys: [key] },
      );
      return letter({ spec, key, traceback: tracebackOf(view, data) });
    },
    redriveUnits: (spec, choice) => retryUnits(client, spec, choice),
  };
}
