import type { NewEvent } from '@passerine/core';
import {
  type Operation,
  readOutputs,
  readSpecSettings,
  readTraceback,
  readTracebackValue,
  type validateRequest,
} from '@passerine/workqueue-api';
import * as wq from '@passerine/workqueue';

/**
 * The internal API, operation by operation: a query reads the namespace state; a command is
 * turned into a domain command (what Coordinate's CBOR values mean is read here, once) and its
 * reply is read from the events and the state after them.
 */
type State = wq.NamespaceState;
type Req<Op extends Operation> = ReturnType<typeof validateRequest<Op>>;

export interface QueryHandler<Op extends Operation> {
  kind: 'query';
  run(state: State, request: Req<Op>, now: number): unknown;
}

export interface CommandHandler<Op extends Operation> {
  kind: 'command';
  command(state: State, request: Req<Op>): wq.WorkQueueCommand;
  /** The answer, read right after the events were applied; `true` when omitted. */
  reply?(state: State, events: readonly NewEvent[], request: Req<Op>): unknown;
}

export type Handler<Op extends Operation> = QueryHandler<Op> | CommandHandler<Op>;

const query = <Op extends Operation>(run: QueryHandler<Op>['run']): QueryHandler<Op> => ({
  kind: 'query',
  run,
});

function countOf(events: readonly NewEvent[], type: string): number {
  const e = events.find((x) => x.type === type);
  return e
    ? ((e.data as { count?: number; specCount?: number }).count ??
        (e.data as { specCount?: number }).specCount ??
        0)
    : 0;
}

/**
 * The outputs of a finishing unit go to its spec's `then`, when it has one. Finished without new
 * data, the unit keeps the data it has (a renewal may have set its `output`), so that is read.
 */
function outputsFor(
  state: State,
  spec: wq.Name,
  key: wq.Name,
  data: Uint8Array | null | undefined,
): wq.UnitOutput[] | undefined {
  const specState = wq.findSpec(state, spec);
  if (!specState?.meta.then) return undefined;
  const stored = wq.findUnit(specState, key)?.data;
  const current = data ?? (stored === undefined ? undefined : wq.unpackBytes(stored));
  if (!current) return undefined;
  return readOutputs(current, specState.meta.then).map(({ key: k, data: d, priority }) => ({
    key: k,
    data: d,
    priority,
  }));
}

/**
 * A traceback the client stored in the unit's data is the one Coordinate shows, whatever the
 * status; as text for the gRPC edge, and as the stored value for the CBOR one (its kind kept).
 */
function withDataTraceback({ data, ...view }: wq.WorkUnitStatusView) {
  const value = readTracebackValue(data);
  if (value === undefined) return view;
  return { ...view, traceback: readTraceback(data) ?? view.traceback, traceback_cbor: value };
}

function unitOfAttempt(state: State, attemptId: string): { spec: wq.Name; key: wq.Name } | undefined {
  const unit = state.pending.get(attemptId)?.unit;
  const spec = unit ? state.specs.get(unit.specId)?.name : undefined;
  return unit && spec !== undefined ? { spec, key: wq.nameOfCanonical(unit.key) } : undefined;
}

export const handlers: { [Op in Operation]: Handler<Op> } = {
  setWorkSpec: {
    kind: 'command',
    command: (_s, r) => {
      const { name, ...meta } = readSpecSettings(r.spec);
      return { type: 'SetWorkSpec', name, data: r.spec, meta };
    },
  },
  delWorkSpec: { kind: 'command', command: (_s, r) => ({ type: 'DeleteWorkSpec', name: r.name }) },
  getWorkSpec: query((s, r) => wq.getWorkSpec(s, r.name)?.data ?? null),
  listWorkSpecs: query((s, r) => {
    const [specs, next] = wq.listWorkSpecs(s, { start: r.start, limit: r.limit });
    return { specs: specs.map((x) => x.data), next };
  }),
  controlWorkSpec: {
    kind: 'command',
    command: (s, r) => {
      const spec = wq.findSpec(s, r.name);
      const declaredContinuous = spec ? readSpecSettings(spec.data).continuous : undefined;
      return { type: 'ControlWorkSpec', name: r.name, changes: r.changes, declaredContinuous };
    },
  },
  getWorkSpecMeta: query((s, r) => wq.getWorkSpecMeta(s, r.name)),
  addWorkUnits: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'AddWorkUnits',
      spec: r.spec,
      units: r.units,
      idempotencyKey: r.idempotencyKey,
    }),
  },
  countWorkUnits: query((s, r) => wq.countWorkUnits(s, r.spec)),
  getWorkUnits: query((s, r) =>
    wq.getWorkUnits(s, r.spec, { work_unit_keys: r.keys, state: r.state, start: r.start, limit: r.limit }),
  ),
  getWorkUnitStatus: query((s, r) =>
    wq.getWorkUnitStatus(s, r.spec, r.keys, true).map((view) => (view ? withDataTraceback(view) : null)),
  ),
  prioritizeWorkUnits: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'PrioritizeWorkUnits',
      spec: r.spec,
      keys: r.keys,
      priority: r.priority,
      adjustment: r.adjustment,
    }),
  },
  delWorkUnits: {
    kind: 'command',
    command: (_s, r) => ({ type: 'DeleteWorkUnits', spec: r.spec, all: r.all, keys: r.keys, state: r.state }),
    reply: (_s, events) => countOf(events, 'WorkUnitsDeleted'),
  },
  updateWorkUnit: {
    kind: 'command',
    command: (s, r) => ({
      type: 'UpdateWorkUnit',
      spec: r.spec,
      key: r.key,
      leaseSeconds: r.leaseSeconds,
      status: r.status,
      data: r.data,
      workerId: r.workerId,
      fromWorkerId: r.fromWorkerId,
      outputs: r.status === wq.WorkUnitStatus.FINISHED ? outputsFor(s, r.spec, r.key, r.data) : undefined,
      traceback: r.status === wq.WorkUnitStatus.FAILED ? readTraceback(r.data) : undefined,
    }),
  },
  getWork: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'GetWork',
      workerId: r.workerId,
      maxJobs: r.maxJobs,
      leaseSeconds: r.leaseSeconds,
      workSpecNames: r.specs,
      availableGb: r.availableGb,
    }),
    reply: (s, events) => wq.startedWork(s, events),
  },
  renewAttempt: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'RenewAttempt',
      attemptId: r.attemptId,
      leaseSeconds: r.leaseSeconds,
      data: r.data,
    }),
  },
  finishAttempt: {
    kind: 'command',
    command: (s, r) => {
      const unit = unitOfAttempt(s, r.attemptId);
      const outputs = unit ? outputsFor(s, unit.spec, unit.key, r.data) : undefined;
      return { type: 'FinishAttempt', attemptId: r.attemptId, data: r.data, outputs };
    },
  },
  failAttempt: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'FailAttempt',
      attemptId: r.attemptId,
      data: r.data,
      traceback: readTraceback(r.data),
    }),
  },
  retryAttempt: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'RetryAttempt',
      attemptId: r.attemptId,
      data: r.data,
      delaySeconds: r.delaySeconds,
    }),
  },
  getChildWorkUnits: query((s, r) =>
    r.wire ? wq.getChildWorkUnits(s, r.workerId, true) : wq.getChildWorkUnits(s, r.workerId),
  ),
  workerHeartbeat: {
    kind: 'command',
    command: (_s, r) => ({
      type: 'RecordWorkerHeartbeat',
      workerId: r.workerId,
      wireId: r.wireId,
      internal: r.internal,
      mode: r.mode,
      expireSeconds: r.expireSeconds,
      data: r.data,
      parent: r.parent,
    }),
  },
  workerUnregister: {
    kind: 'command',
    command: (_s, r) => ({ type: 'UnregisterWorker', workerId: r.workerId }),
  },
  getWorkerInfo: query((s, r) => wq.getWorkerInfo(s, r.workerId)),
  listWorkerModes: query((s, r) => (r.wire ? wq.listWorkerModes(s, true) : wq.listWorkerModes(s))),
  modeCounts: query((s, r) => (r.wire ? wq.modeCounts(s, true) : wq.modeCounts(s))),
  workerStats: query((s) => wq.workerStats(s)),
  getConfig: query((s) => wq.namespaceStats(s)),
  archive: {
    kind: 'command',
    command: (_s, r) => ({ type: 'ArchiveWorkUnits', maxAgeSeconds: r.maxAgeSeconds, spec: r.spec }),
    reply: (_s, events) => countOf(events, 'UnitsArchived'),
  },
  clear: {
    kind: 'command',
    command: () => ({ type: 'ClearNamespace' }) as wq.WorkQueueCommand,
    reply: (_s, events) => countOf(events, 'NamespaceCleared'),
  },
  unitHistory: query((s, r) => wq.attemptHistory(s, r.spec, r.key)),
  workerAttempts: query((s, r) => wq.workerAttempts(s, r.workerId)),
  summary: query((s) =>
    wq.workSpecNames(s).map((name) => {
      const meta = wq.getWorkSpecMeta(s, name);
      return { name, counts: wq.countWorkUnits(s, name), status: meta.status, weight: meta.weight };
    }),
  ),
};
