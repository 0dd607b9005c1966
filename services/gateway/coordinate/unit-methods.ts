import { CborMap, type CborValue, Encoded, encodedOf, Tuple } from '@passerine/cbor';
import { isRefusal, pairOrRefusal } from './domain-answers.ts';
import { batchUnits, readUnits } from './add-unit-batches.ts';
import type { MethodGroup } from './method.ts';
import {
  type Name,
  option,
  readKey,
  readList,
  readName,
  readOptionalBoolean,
  readOptionalList,
  readOptionalNumber,
  readOptionalText,
  readOptions,
  readStates,
} from './wire-read.ts';
import { epochSeconds, pair, pythonTwoMessage, serverDict, serverText, storedValue } from './wire-write.ts';

interface UnitStatusView {
  status: number;
  expiration: number | null;
  worker_id?: string;
  traceback?: string;
  /** The traceback the client put in the unit's data, as it stored it. */
  traceback_cbor?: Uint8Array;
}

const _FINISHED = 4;

function readKeys(value: CborValue | undefined, field = 'work_unit_keys'): Name[] | undefined {
  return readOptionalList(value, field)?.map((k, i) => readKey(k, `${field}[${i}]`));
}

/** Field order as the Python server sent it: status, worker_id, expiration (then traceback). */
function statusDict(view: UnitStatusView | null): CborValue {
  if (view === null) return null;
  const entries: Array<[string, CborValue]> = [['status', view.status]];
  if (view.worker_id !== undefined) entries.push(['worker_id', serverText(view.worker_id)]);
  entries.push(['expiration', epochSeconds(view.expiration)]);
  if (view.traceback_cbor !== undefined) entries.push(['traceback', new Encoded(view.traceback_cbor)]);
  else if (view.traceback !== undefined) entries.push(['traceback', serverText(view.traceback)]);
  return serverDict(entries);
}

/** Work unit methods. Keys come back exactly as sent: bytes as bytes, text as text. */
export const unitMethods: MethodGroup = {
  add_work_units: {
    params: ['work_spec_name', 'work_unit_key_vals'],
    // More units than one internal request carries go in consecutive batches; each batch is
    // atomic, but a failure midway leaves the earlier batches added (the message says how many).
    run: async ([name, keyVals], api) => {
      const spec = readName(name, 'work_spec_name');
      const batches = batchUnits(readUnits(keyVals));
      let added = 0;
      try {
        for (const units of batches.length ? batches : [[]]) {
          await api.call('addWorkUnits', { spec, units });
          added += units.length;
        }
        return pair(true);
      } catch (err) {
        if (!isRefusal(err)) throw err;
        const note = added > 0 ? ` (${added} units before it were added)` : '';
        return pair(false, pythonTwoMessage(err.message) + note);
      }
    },
  },

  count_work_units: {
    params: ['work_spec_name'],
    run: async ([name], api) => {
      const spec = readName(name, 'work_spec_name');
      return pairOrRefusal(false, async () => {
        const counts = await api.call<'countWorkUnits', Record<string, number>>('countWorkUnits', { spec });
        return new CborMap(Object.entries(counts).map(([status, n]) => [Number(status), n] as const));
      });
    },
  },

  get_work_units: {
    params: ['work_spec_name', 'options'],
    run: async ([name, options], api) => {
      const spec = readName(name, 'work_spec_name');
      const opts = readOptions(options);
      const start = option(opts, 'start');
      const request = {
        spec,
        keys: readKeys(option(opts, 'work_unit_keys')) ?? null,
        state: readStates(option(opts, 'state')) ?? null,
        start: start === undefined || start === null ? null : readKey(start, 'start'),
        limit: readOptionalNumber(option(opts, 'limit'), 'limit') ?? null,
      };
      return pairOrRefusal(null, async () => {
        const units = await api.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>(
          'getWorkUnits',
          request,
        );
        return units.map(([key, data]) => new Tuple([key, storedValue(data)]));
      });
    },
  },

  get_work_unit_status: {
    params: ['work_spec_name', 'work_unit_keys'],
    run: async ([name, keys], api) => {
      const spec = readName(name, 'work_spec_name');
      const wanted = readList(keys, 'work_unit_keys').map((k, i) => readKey(k, `work_unit_keys[${i}]`));
      return pairOrRefusal(null, async () => {
        const views = await api.call<'getWorkUnitStatus', Array<UnitStatusView | null>>('getWorkUnitStatus', {
          spec,
          keys: wanted,
        });
        return views.map(statusDict);
      });
    },
  },

  prioritize_work_units: {
    params: ['work_spec_name', 'options'],
    run: async ([name, options], api) => {
      const spec = readName(name, 'work_spec_name');
      const opts = readOptions(options);
      const keys = readKeys(option(opts, 'work_unit_keys'));
      const request = {
        spec,
        keys: keys ?? [],
        priority: readOptionalNumber(option(opts, 'priority'), 'priority') ?? null,
        adjustment: readOptionalNumber(option(opts, 'adjustment'), 'adjustment') ?? null,
      };
      if (keys === undefined) {
        // The original looks the spec up first, then wants the keys (a rare path: one call more).
        const found = await pairOrRefusal(false, () => api.call('countWorkUnits', { spec }));
        return (found as Tuple).items[1] === null ? pair(false, 'missing work_unit_keys') : found;
      }
      return pairOrRefusal(false, async () => {
        await api.call('prioritizeWorkUnits', request);
        return true;
      });
    },
  },

  del_work_units: {
    params: ['work_spec_name', 'options'],
    run: async ([name, options], api) => {
      const spec = readName(name, 'work_spec_name');
      const opts = readOptions(options);
      const request = {
        spec,
        all: readOptionalBoolean(option(opts, 'all'), 'all'),
        keys: readKeys(option(opts, 'work_unit_keys')) ?? null,
        state: readStates(option(opts, 'state')) ?? null,
      };
      return pairOrRefusal(0, () => api.call<'delWorkUnits', number>('delWorkUnits', request));
    },
  },

  update_work_unit: {
    params: ['work_spec_name', 'work_unit_key', 'options'],
    run: async ([name, key, options], api) => {
      const spec = readName(name, 'work_spec_name');
      const unitKey = readKey(key, 'work_unit_key');
      const opts = readOptions(options);
      const data = option(opts, 'data');
      const status = readOptionalNumber(option(opts, 'status'), 'status');
      // The original stores any number as a status (a unit in status 7 is never handed out
      // again); Passerine answers no, as it does for BLOCKED, which no lifecycle enters.
      if (status !== undefined && ![1, 3, 4, 5].includes(status)) {
        return pair(false, 'status must be 1, 3, 4 or 5');
      }
      const workerId = readOptionalText(option(opts, 'worker_id'), 'worker_id') ?? null;
      const request = {
        spec,
        key: unitKey,
        leaseSeconds: readOptionalNumber(option(opts, 'lease_time'), 'lease_time') ?? null,
        status: status ?? null,
        data: data === undefined || data === null ? null : encodedOf(data),
        // The original reads worker_id only for a unit that is and stays PENDING; any worker may
        // end a unit (a late one after its lease ran out, an operator). A worker that names itself
        // is fenced: once its lease was lost to a later attempt, its update is refused.
        workerId: status === undefined || status === 3 ? workerId : null,
        fromWorkerId: workerId,
      };
      return pairOrRefusal(false, async () => {
        await api.call('updateWorkUnit', request);
        return true;
      });
    },
  },
};
