import { CborMap, Tuple } from '@passerine/cbor';
import { MAX_JOBS_PER_GET_WORK, type StartedWork } from '@passerine/workqueue';
import { ValidationError } from '@passerine/core';
import type { MethodGroup } from './method.ts';
import {
  type Name,
  option,
  readName,
  readOptionalList,
  readOptionalNumber,
  readOptions,
  readWorkerId,
} from './wire-read.ts';
import { epochSeconds, pair, serverDict, serverText, storedValue } from './wire-write.ts';

interface ChildUnit {
  work_spec_name: Name;
  work_unit_key: Name;
  work_unit_data: Uint8Array;
  worker_id: string;
  expires: number;
}

const NO_WORK = new Tuple([null, null, null]);

function workTuple(work: StartedWork): Tuple {
  return new Tuple([work.work_spec_name, work.work_unit_key, storedValue(work.work_unit_data)]);
}

/** Key order as the Python server sent it. */
function childDict(unit: ChildUnit): CborMap {
  return serverDict([
    ['work_unit_key', unit.work_unit_key],
    ['worker_id', serverText(unit.worker_id)],
    ['work_spec_name', unit.work_spec_name],
    ['expires', epochSeconds(unit.expires)],
    ['work_unit_data', storedValue(unit.work_unit_data)],
  ]);
}

/** Pulling work: leases come from the store's scheduler; the gateway only reshapes the answer. */
export const workMethods: MethodGroup = {
  get_work: {
    params: ['worker_id', 'options'],
    // max_jobs 1 answers one (spec, key, data) tuple, (None, None, None) when idle; more answers a list.
    run: async ([worker, options], api) => {
      const workerId = readWorkerId(worker);
      const opts = readOptions(options);
      const maxJobs = readOptionalNumber(option(opts, 'max_jobs'), 'max_jobs') ?? 1;
      if (!Number.isInteger(maxJobs) || maxJobs < 1) {
        throw new ValidationError('max_jobs must be a positive integer', { field: 'max_jobs' });
      }
      const names = readOptionalList(option(opts, 'work_spec_names'), 'work_spec_names');
      const work = await api.call<'getWork', StartedWork[]>('getWork', {
        workerId,
        maxJobs: Math.min(maxJobs, MAX_JOBS_PER_GET_WORK),
        leaseSeconds: readOptionalNumber(option(opts, 'lease_time'), 'lease_time') ?? null,
        // An empty list names no spec, so all of them, as in the original (`if work_spec_names`).
        specs: names?.length ? names.map((n, i) => readName(n, `work_spec_names[${i}]`)) : null,
        availableGb: readOptionalNumber(option(opts, 'available_gb'), 'available_gb') ?? null,
      });
      if (maxJobs === 1) return pair(work.length ? workTuple(work[0]) : NO_WORK);
      return pair(work.map(workTuple));
    },
  },

  get_child_work_units: {
    params: ['worker_id'],
    run: async ([worker], api) => {
      const children = await api.call<'getChildWorkUnits', Array<[Name, ChildUnit[]]>>('getChildWorkUnits', {
        workerId: readWorkerId(worker),
        wire: true,
      });
      return pair(new CborMap(children.map(([child, units]) => [child, units.map(childDict)] as const)));
    },
  },
};
