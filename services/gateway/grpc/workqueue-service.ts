import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '@passerine/core';
import type { WorkQueueApi } from '../coordinate/index.ts';
import {
  cborOf,
  keyOf,
  type Name,
  nameOf,
  optionalCborOf,
  optionalNameOf,
  type ProtoName,
  protoName,
} from './proto-values.ts';
import { startedWorkMessage, type StartedWork } from './started-work.ts';
import { unary } from './unary.ts';

// biome-ignore lint/suspicious/noExplicitAny: request shapes come from the .proto files at run time.
type Req = any;

interface UnitStatusView {
  status: number;
  expiration: number | null;
  worker_id?: string;
  traceback?: string;
}

const keysOf = (names: ProtoName[] | undefined, field: string) =>
  (names ?? []).map((n, i) => keyOf(n, `${field}[${i}]`));
const statesOf = (states: number[] | undefined) => (states?.length ? states : null);
const ack = { ok: true };

/** The WorkQueue service: each RPC is one internal API call, reshaped into typed messages. */
export function workQueueService(
  api: WorkQueueApi,
  namespace: string,
  logger: Logger,
): UntypedServiceImplementation {
  const rpc = (run: (request: Req) => Promise<unknown>) => unary(logger, run);
  return {
    SetWorkSpec: rpc(async (r) => {
      await api.call('setWorkSpec', { spec: cborOf(r.spec_cbor, 'spec_cbor', new Uint8Array()) });
      return ack;
    }),
    DelWorkSpec: rpc(async (r) => {
      await api.call('delWorkSpec', { name: nameOf(r.name, 'name') });
      return ack;
    }),
    GetWorkSpec: rpc(async (r) => {
      const spec = await api.call<'getWorkSpec', Uint8Array | null>('getWorkSpec', {
        name: nameOf(r.name, 'name'),
      });
      return spec ? { found: true, spec_cbor: spec } : { found: false };
    }),
    ListWorkSpecs: rpc(async (r) => {
      const page = await api.call<'listWorkSpecs', { specs: Uint8Array[]; next: Name | null }>(
        'listWorkSpecs',
        {
          start: optionalNameOf(r.start, 'start'),
          limit: r.limit || null,
        },
      );
      return { specs_cbor: page.specs, next: page.next === null ? undefined : protoName(page.next) };
    }),
    ControlWorkSpec: rpc(async (r) => {
      const changes = {
        status: r.status,
        continuous: r.continuous,
        weight: r.weight,
        interval: r.interval_seconds,
        max_running: r.max_running,
      };
      await api.call('controlWorkSpec', { name: nameOf(r.name, 'name'), changes });
      return ack;
    }),
    GetWorkSpecMeta: rpc(async (r) => {
      const meta = await api.call<'getWorkSpecMeta', Record<string, number | null>>('getWorkSpecMeta', {
        name: nameOf(r.name, 'name'),
      });
      // proto3 has no null: an unset interval or max_running reads as 0.
      return { ...meta, interval_seconds: meta.interval ?? 0, max_running: meta.max_running ?? 0 };
    }),
    AddWorkUnits: rpc(async (r) => {
      const units = (r.units ?? []).map((u: Req, i: number) => ({
        key: keyOf(u.key, `units[${i}].key`),
        data: cborOf(u.data_cbor, `units[${i}].data_cbor`),
        priority: u.priority,
      }));
      await api.call('addWorkUnits', { spec: nameOf(r.spec, 'spec'), units });
      return { count: units.length };
    }),
    CountWorkUnits: rpc(async (r) => ({
      by_status: await api.call('countWorkUnits', { spec: nameOf(r.name, 'name') }),
    })),
    GetWorkUnits: rpc(async (r) => {
      const units = await api.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>('getWorkUnits', {
        spec: nameOf(r.spec, 'spec'),
        keys: r.keys?.length ? keysOf(r.keys, 'keys') : null,
        state: statesOf(r.states),
        start: r.start ? keyOf(r.start, 'start') : null,
        limit: r.limit || null,
      });
      return {
        units: units.map(([key, data]) =>
          data
            ? { key: protoName(key), found: true, data_cbor: data }
            : { key: protoName(key), found: false },
        ),
      };
    }),
    GetWorkUnitStatus: rpc(async (r) => {
      const views = await api.call<'getWorkUnitStatus', Array<UnitStatusView | null>>('getWorkUnitStatus', {
        spec: nameOf(r.spec, 'spec'),
        keys: keysOf(r.keys, 'keys'),
      });
      return {
        statuses: views.map((v) =>
          v
            ? {
                found: true,
                status: v.status,
                expiration_ms: v.expiration ?? 0,
                worker_id: v.worker_id,
                traceback: v.traceback,
              }
            : { found: false },
        ),
      };
    }),
    PrioritizeWorkUnits: rpc(async (r) => {
      await api.call('prioritizeWorkUnits', {
        spec: nameOf(r.spec, 'spec'),
        keys: keysOf(r.keys, 'keys'),
        priority: r.priority ?? null,
        adjustment: r.adjustment ?? null,
      });
      return ack;
    }),
    DelWorkUnits: rpc(async (r) => ({
      count: await api.call('delWorkUnits', {
        spec: nameOf(r.spec, 'spec'),
        all: r.all ?? false,
        keys: r.keys?.length ? keysOf(r.keys, 'keys') : null,
        state: statesOf(r.states),
      }),
    })),
    UpdateWorkUnit: rpc(async (r) => {
      await api.call('updateWorkUnit', {
        spec: nameOf(r.spec, 'spec'),
        key: keyOf(r.key, 'key'),
        leaseSeconds: r.lease_seconds ?? null,
        status: r.status ?? null,
        data: optionalCborOf(r.data_cbor, 'data_cbor'),
        workerId: r.worker_id ?? null,
      });
      return ack;
    }),
    GetWork: rpc(async (r) => getWorkReply(api, r)),
    GetChildWorkUnits: rpc(async (r) => {
      const children = await api.call<'getChildWorkUnits', Record<string, StartedWork[]>>(
        'getChildWorkUnits',
        {
          workerId: r.worker_id ?? '',
        },
      );
      const byChild = Object.fromEntries(
        Object.entries(children).map(([child, units]) => [child, { work: units.map(startedWorkMessage) }]),
      );
      return { by_child: byChild };
    }),
    WorkerHeartbeat: rpc(async (r) => heartbeat(api, r)),
    WorkerUnregister: rpc(async (r) => {
      await api.call('workerUnregister', { workerId: r.worker_id ?? '' });
      return ack;
    }),
    GetWorkerInfo: rpc(async (r) => {
      const data = await api.call<'getWorkerInfo', Uint8Array | null>('getWorkerInfo', {
        workerId: r.worker_id ?? '',
      });
      return data ? { found: true, data_cbor: data } : { found: false };
    }),
    ListWorkerModes: rpc(async () => ({ modes: await api.call('listWorkerModes', {}) })),
    ModeCounts: rpc(async () => ({ counts: await api.call('modeCounts', {}) })),
    WorkerStats: rpc(async () => api.call('workerStats', {})),
    GetConfig: rpc(async () => ({ namespace, stats: await api.call('getConfig', {}) })),
    Archive: rpc(async (r) => ({
      count: await api.call('archive', {
        maxAgeSeconds: r.max_age_seconds ?? 0,
        spec: optionalNameOf(r.spec, 'spec'),
      }),
    })),
    Clear: rpc(async () => ({ count: await api.call('clear', {}) })),
  };
}

/** Shared by the WorkQueue and Worker services. */
export async function getWorkReply(api: WorkQueueApi, r: Req) {
  const work = await api.call<'getWork', StartedWork[]>('getWork', {
    workerId: r.worker_id ?? '',
    maxJobs: r.max_jobs || 1,
    leaseSeconds: r.lease_seconds ?? null,
    specs: r.work_spec_names?.length
      ? r.work_spec_names.map((n: ProtoName, i: number) => nameOf(n, `work_spec_names[${i}]`))
      : null,
    availableGb: r.available_gb ?? null,
  });
  return { work: work.map(startedWorkMessage) };
}

export async function heartbeat(api: WorkQueueApi, r: Req) {
  await api.call('workerHeartbeat', {
    workerId: r.worker_id ?? '',
    mode: r.mode || 'RUN',
    expireSeconds: r.expire_seconds ?? null,
    data: optionalCborOf(r.data_cbor, 'data_cbor'),
    parent: r.parent ?? null,
  });
  return ack;
}
