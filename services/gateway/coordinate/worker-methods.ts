import { CborMap, type CborValue, encodedOf, type Tuple } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import { pairOrRefusal } from './domain-answers.ts';
import type { MethodGroup } from './method.ts';
import { type Name, readOptionalNumber, readOptionalText, readWorkerId } from './wire-read.ts';
import { pair, serverDict, storedValue } from './wire-write.ts';

interface WorkerStats {
  num_workers: number;
  num_children: number;
  num_expirable: number;
}

/**
 * The original's bounds on a heartbeat's lifetime, said in its answer's message: a negative one
 * (and None, which Python 2 finds less than 0) lives 5 minutes, one beyond a day an hour.
 */
function lifetime(expire: number | undefined): { seconds: number; message: string | null } {
  if (expire === undefined || expire < 0) {
    const shown = expire === undefined ? 'None' : String(expire);
    return { seconds: 300, message: `negative expire time ${shown} defaulted to 5 minutes` };
  }
  if (expire > 86_400) return { seconds: 3600, message: `huge expire time ${expire} defaulted to one hour` };
  return { seconds: expire, message: null };
}

function readMode(value: CborValue | undefined): string | Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new ValidationError('mode must be a text or byte string, or None', { field: 'mode' });
}

/** Worker registry methods: ids and modes go back in the kind the workers gave them. */
export const workerMethods: MethodGroup = {
  worker_heartbeat: {
    params: ['worker_id', 'mode', 'expire_seconds', 'data', 'parent'],
    run: async ([worker, mode, expire, data, parent], api) => {
      const { seconds, message } = lifetime(readOptionalNumber(expire, 'expire_seconds'));
      const request = {
        workerId: readWorkerId(worker),
        wireId: worker as string | Uint8Array,
        mode: readMode(mode),
        expireSeconds: seconds,
        data: data === undefined ? null : encodedOf(data),
        parent: readOptionalText(parent, 'parent') ?? null,
      };
      const answer = await pairOrRefusal(false, async () => {
        await api.call('workerHeartbeat', request);
        return true;
      });
      return message !== null && (answer as Tuple).items[0] === true ? pair(true, message) : answer;
    },
  },
  worker_unregister: {
    params: ['worker_id'],
    run: async ([worker], api) => {
      const workerId = readWorkerId(worker);
      return pairOrRefusal(false, async () => {
        await api.call('workerUnregister', { workerId });
        return true;
      });
    },
  },
  get_worker_info: {
    params: ['worker_id'],
    // The data the worker last sent, None for a worker nobody knows.
    run: async ([worker], api) => {
      const data = await api.call<'getWorkerInfo', Uint8Array | null>('getWorkerInfo', {
        workerId: readWorkerId(worker),
      });
      return pair(storedValue(data));
    },
  },
  list_worker_modes: {
    params: [],
    // A pair, not a bare dict: goordinated's bare dict broke the client's tuple unpacking.
    run: async (_args, api) => {
      const modes = await api.call<'listWorkerModes', Array<[Name, Name | null]>>('listWorkerModes', {
        wire: true,
      });
      return pair(new CborMap(modes));
    },
  },
  mode_counts: {
    params: [],
    run: async (_args, api) => {
      const counts = await api.call<'modeCounts', Array<[Name | null, number]>>('modeCounts', { wire: true });
      return pair(new CborMap(counts));
    },
  },
  worker_stats: {
    params: [],
    run: async (_args, api) => {
      const stats = await api.call<'workerStats', WorkerStats>('workerStats', {});
      return serverDict([
        ['num_workers', stats.num_workers],
        ['num_children', stats.num_children],
        ['num_expirable', stats.num_expirable],
      ]);
    },
  },
};
