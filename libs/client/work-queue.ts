import type { NatsConnection } from '@nats-io/transport-node';
import { ValidationError } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import { MAX_UNITS_PER_ADD } from '@passerine/workqueue-api';
import { decodeData, encodeData, type PlainValue } from './coordinate-values.ts';
import { WorkQueueClient } from './workqueue-client.ts';

/** A work unit's key: text, or bytes as Python Coordinate clients often use. */
export type UnitKey = string | Uint8Array;

/** Coordinate's work unit states, by name (the wire carries 1–5). */
export const UNIT_STATES = { available: 1, blocked: 2, pending: 3, finished: 4, failed: 5 } as const;
export type UnitState = keyof typeof UNIT_STATES;
const STATE_NAMES = Object.fromEntries(Object.entries(UNIT_STATES).map(([name, n]) => [n, name])) as Record<
  number,
  UnitState
>;

export type UnitCounts = Record<UnitState, number>;

/** A work spec as Coordinate defines it: `name` and any of its settings (weight, then, max_retries, runner...). */
export interface WorkSpecDefinition {
  name: string;
  [setting: string]: unknown;
}

export interface NewUnit {
  key: UnitKey;
  data?: unknown;
  priority?: number;
  /** Nobody gets the unit before then (a time in the past: at once). */
  notBefore?: Date;
  /** Not started by then, it is recorded as expired (FAILED, with the reason); already past: refused. */
  expiresAt?: Date;
}

export interface WorkUnit {
  key: UnitKey;
  data: PlainValue;
}

export interface UnitStatus {
  state: UnitState;
  /** ms: lease end while pending, when it ended once finished or failed. */
  expiration: number | null;
  workerId?: string;
  traceback?: string;
}

export interface AttemptRecord {
  id: string;
  workerId: string;
  status: 'pending' | 'expired' | 'finished' | 'failed' | 'retryable';
  started: number;
  expires: number;
  ended: number;
  data: PlainValue;
  traceback: string | null;
}

export interface SpecSummary {
  name: string;
  counts: UnitCounts;
  paused: boolean;
  weight: number;
}

/** A unit a pull worker holds: its lease ends at `expires` unless renewed. */
export interface HeldUnit {
  spec: string;
  key: UnitKey;
  data: PlainValue;
  attemptId: string;
  expires: number;
}

const text = (name: string | Uint8Array) =>
  typeof name === 'string' ? name : Buffer.from(name).toString('utf8');

function countsOf(raw: Record<number, number>): UnitCounts {
  const counts = { available: 0, blocked: 0, pending: 0, finished: 0, failed: 0 };
  for (const [n, count] of Object.entries(raw)) counts[STATE_NAMES[Number(n)]] += count;
  return counts;
}

function statesOf(state: UnitState | UnitState[] | undefined): number[] | undefined {
  if (state === undefined) return undefined;
  return (Array.isArray(state) ? state : [state]).map((name) => {
    const n = UNIT_STATES[name];
    if (n === undefined)
      throw new ValidationError(`no unit state ${name} (known: ${Object.keys(UNIT_STATES).join(', ')})`);
    return n;
  });
}

/**
 * The work queue of one namespace, typed: specs, units, counts and history, and the calls a pull
 * worker makes. Data goes in and out as plain values (stored as Coordinate's CBOR).
 */
export class WorkQueue {
  readonly rpc: WorkQueueClient;

  constructor(
    nc: NatsConnection,
    names: Names,
    readonly namespace = 'default',
  ) {
    this.rpc = new WorkQueueClient(nc, names, { namespace });
  }

  async setWorkSpec(spec: WorkSpecDefinition): Promise<void> {
    if (typeof spec?.name !== 'string' || spec.name === '')
      throw new ValidationError('a work spec needs a name');
    await this.rpc.call('setWorkSpec', { spec: encodeData(spec, 'spec') });
  }

  async getWorkSpec(name: string): Promise<WorkSpecDefinition | null> {
    const bytes = await this.rpc.call<'getWorkSpec', Uint8Array | null>('getWorkSpec', { name });
    return bytes ? (decodeData(bytes) as WorkSpecDefinition) : null;
  }

  async listWorkSpecs(): Promise<WorkSpecDefinition[]> {
    const out: WorkSpecDefinition[] = [];
    let start: string | Uint8Array | null = null;
    for (;;) {
      const page: { specs: Uint8Array[]; next: string | Uint8Array | null } = await this.rpc.call(
        'listWorkSpecs',
        { start, limit: 1000 },
      );
      out.push(...page.specs.map((bytes) => decodeData(bytes) as WorkSpecDefinition));
      if (!page.next) return out;
      start = page.next;
    }
  }

  async deleteWorkSpec(name: string): Promise<void> {
    await this.rpc.call('delWorkSpec', { name });
  }

  async pauseWorkSpec(name: string): Promise<void> {
    await this.rpc.call('controlWorkSpec', { name, changes: { status: 2 } });
  }

  async resumeWorkSpec(name: string): Promise<void> {
    await this.rpc.call('controlWorkSpec', { name, changes: { status: 1 } });
  }

  /** Adds units (an existing key is replaced), in batches of at most 10,000. Returns how many. */
  /**
   * Adds (or overwrites) units. With `idempotencyKey`, a repeat of the same add within the key's
   * window (a day) does nothing, and an add of other content under the key is refused.
   */
  async addWorkUnits(
    spec: string,
    units: Iterable<NewUnit>,
    options: { idempotencyKey?: string } = {},
  ): Promise<number> {
    const all = [...units].map((unit, i) => ({
      key: unit.key,
      data: encodeData(unit.data, `units[${i}].data`),
      ...(unit.priority !== undefined && { priority: unit.priority }),
      ...(unit.notBefore !== undefined && { notBefore: unit.notBefore.getTime() / 1000 }),
      ...(unit.expiresAt !== undefined && { expiresAt: unit.expiresAt.getTime() / 1000 }),
    }));
    const key = options.idempotencyKey;
    const parts = Math.ceil(all.length / MAX_UNITS_PER_ADD);
    for (let at = 0; at < all.length; at += MAX_UNITS_PER_ADD) {
      // An add of several requests keys each one: a retry repeats the ones that went through.
      const part = parts > 1 ? `${key}/${at / MAX_UNITS_PER_ADD}` : key;
      await this.rpc.call('addWorkUnits', {
        spec,
        units: all.slice(at, at + MAX_UNITS_PER_ADD),
        ...(key !== undefined && { idempotencyKey: part }),
      });
    }
    return all.length;
  }

  async countWorkUnits(spec: string): Promise<UnitCounts> {
    return countsOf(
      await this.rpc.call<'countWorkUnits', Record<number, number>>('countWorkUnits', { spec }),
    );
  }

  async getWorkUnits(
    spec: string,
    query: { keys?: UnitKey[]; state?: UnitState | UnitState[]; start?: UnitKey; limit?: number } = {},
  ): Promise<WorkUnit[]> {
    const units = await this.rpc.call<'getWorkUnits', Array<[UnitKey, Uint8Array | null]>>('getWorkUnits', {
      spec,
      keys: query.keys,
      state: statesOf(query.state),
      start: query.start,
      limit: query.limit,
    });
    return units.map(([key, data]) => ({ key, data: decodeData(data) }));
  }

  async getWorkUnitStatus(spec: string, keys: UnitKey[]): Promise<Array<UnitStatus | null>> {
    const views = await this.rpc.call<
      'getWorkUnitStatus',
      Array<{ status: number; expiration: number | null; worker_id?: string; traceback?: string } | null>
    >('getWorkUnitStatus', { spec, keys });
    return views.map((v) =>
      v === null
        ? null
        : {
            state: STATE_NAMES[v.status],
            expiration: v.expiration,
            ...(v.worker_id !== undefined && { workerId: v.worker_id }),
            ...(v.traceback !== undefined && { traceback: v.traceback }),
          },
    );
  }

  async deleteWorkUnits(
    spec: string,
    which: { keys?: UnitKey[]; state?: UnitState | UnitState[] } | 'all',
  ): Promise<number> {
    const request =
      which === 'all' ? { spec, all: true } : { spec, keys: which.keys, state: statesOf(which.state) };
    return this.rpc.call('delWorkUnits', request);
  }

  async prioritizeWorkUnits(
    spec: string,
    keys: UnitKey[],
    change: { priority?: number; adjustment?: number },
  ): Promise<void> {
    await this.rpc.call('prioritizeWorkUnits', { spec, keys, ...change });
  }

  /** Every attempt at a unit, newest first. */
  async unitHistory(spec: string, key: UnitKey): Promise<AttemptRecord[]> {
    const views = await this.rpc.call<
      'unitHistory',
      Array<{
        id: string;
        worker_id: string;
        status: AttemptRecord['status'];
        started: number;
        expires: number;
        ended: number;
        data: Uint8Array | null;
        traceback: string | null;
      }>
    >('unitHistory', { spec, key });
    return views.map((v) => ({
      id: v.id,
      workerId: v.worker_id,
      status: v.status,
      started: v.started,
      expires: v.expires,
      ended: v.ended,
      data: decodeData(v.data),
      traceback: v.traceback,
    }));
  }

  /** Per spec: counts by state, whether it is paused, its weight. */
  async summary(): Promise<SpecSummary[]> {
    const specs = await this.rpc.call<
      'summary',
      Array<{ name: string | Uint8Array; counts: Record<number, number>; status: number; weight: number }>
    >('summary', {});
    return specs.map((s) => ({
      name: text(s.name),
      counts: countsOf(s.counts),
      paused: s.status === 2,
      weight: s.weight,
    }));
  }

  // What a pull worker calls (runWorker does it for you).

  async getWork(
    workerId: string,
    options: { specs?: string[]; maxJobs?: number; leaseSeconds?: number } = {},
  ): Promise<HeldUnit[]> {
    const started = await this.rpc.call<
      'getWork',
      Array<{
        work_spec_name: string | Uint8Array;
        work_unit_key: UnitKey;
        work_unit_data: Uint8Array;
        attempt_id: string;
        expires: number;
      }>
    >('getWork', {
      workerId,
      maxJobs: options.maxJobs ?? 1,
      leaseSeconds: options.leaseSeconds,
      specs: options.specs,
    });
    return started.map((w) => ({
      spec: text(w.work_spec_name),
      key: w.work_unit_key,
      data: decodeData(w.work_unit_data),
      attemptId: w.attempt_id,
      expires: w.expires,
    }));
  }

  async renewAttempt(attemptId: string, leaseSeconds?: number): Promise<void> {
    await this.rpc.call('renewAttempt', { attemptId, leaseSeconds });
  }

  /** Finishes the unit; `data` (when given) replaces its data, and its `output` feeds `then`. */
  async finishAttempt(attemptId: string, data?: unknown): Promise<void> {
    await this.rpc.call('finishAttempt', {
      attemptId,
      ...(data !== undefined && { data: encodeData(data) }),
    });
  }

  /** Fails the attempt; `data.traceback` says why (the unit goes back while max_retries allows). */
  async failAttempt(attemptId: string, data?: unknown): Promise<void> {
    await this.rpc.call('failAttempt', { attemptId, ...(data !== undefined && { data: encodeData(data) }) });
  }

  /** Hands the unit back to the queue (after `delaySeconds`). */
  async retryAttempt(attemptId: string, delaySeconds = 0): Promise<void> {
    await this.rpc.call('retryAttempt', { attemptId, delaySeconds });
  }

  async workerHeartbeat(
    workerId: string,
    mode: string,
    expireSeconds: number,
    data?: unknown,
  ): Promise<void> {
    await this.rpc.call('workerHeartbeat', {
      workerId,
      mode,
      expireSeconds,
      ...(data !== undefined && { data: encodeData(data) }),
    });
  }

  async workerUnregister(workerId: string): Promise<void> {
    await this.rpc.call('workerUnregister', { workerId });
  }
}
