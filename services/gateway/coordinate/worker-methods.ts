import { CborMap, encodedOf } from '@passerine/cbor';
import { pairOrRefusal } from './domain-answers.ts';
import type { MethodGroup } from './method.ts';
import { readOptionalNumber, readOptionalText, readText, readWorkerId } from './wire-read.ts';
import { pair, serverDict, serverText, storedValue } from './wire-write.ts';

interface WorkerStats {
  num_workers: number;
  num_children: number;
  num_expirable: number;
}

/** Worker registry methods; worker ids and modes go back as the Python server's byte strings. */
export const workerMethods: MethodGroup = {
  worker_heartbeat: {
    params: ['worker_id', 'mode', 'expire_seconds', 'data', 'parent'],
    run: async ([worker, mode, expire, data, parent], api) => {
      const request = {
        workerId: readWorkerId(worker),
        mode: readText(mode, 'mode'),
        expireSeconds: readOptionalNumber(expire, 'expire_seconds') ?? null,
        data: data === undefined ? null : encodedOf(data),
        parent: readOptionalText(parent, 'parent') ?? null,
      };
      return pairOrRefusal(false, async () => {
        await api.call('workerHeartbeat', request);
        return true;
      });
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
    // An unknown worker has an empty dict, so `info.get(...)` keeps working in the client.
    run: async ([worker], api) => {
      const data = await api.call<'getWorkerInfo', Uint8Array | null>('getWorkerInfo', {
        workerId: readWorkerId(worker),
      });
      return pair(data ? storedValue(data) : new CborMap());
    },
  },

  list_worker_modes: {
    params: [],
    // A pair, not a bare dict: goordinated's bare dict broke the client's tuple unpacking.
    run: async (_args, api) => {
      const modes = await api.call<'listWorkerModes', Record<string, string>>('listWorkerModes', {});
      return pair(
        new CborMap(Object.entries(modes).map(([id, m]) => [serverText(id), serverText(m)] as const)),
      );
    },
  },

  mode_counts: {
    params: [],
    run: async (_args, api) => {
      const counts = await api.call<'modeCounts', Record<string, number>>('modeCounts', {});
      return pair(new CborMap(Object.entries(counts).map(([m, n]) => [serverText(m), n] as const)));
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
