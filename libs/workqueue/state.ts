import { type HeapSlot, IndexedHeap } from './indexed-heap.ts';
import { MinHeap } from './min-heap.ts';
import { compareCanonical, type Name } from './keys.ts';
import type { WorkerLifecycle } from './lifecycle/tables.ts';
import type { WorkSpecMeta } from './spec-meta.ts';
import type { AttemptStatus } from './status.ts';

/**
 * The in-memory state of one namespace. `evolve` mutates it in place (replay has to run at
 * hundreds of thousands of events a second over millions of units); `decide` and the queries
 * only read it. Times are milliseconds since the epoch.
 */
export interface NamespaceState {
  /** By canonical name. */
  specs: Map<string, WorkSpecState>;
  /** Pending attempts only, by id; ended attempts stay reachable through their unit's history. */
  pending: Map<string, AttemptState>;
  /** Pending attempts ordered by lease expiry. */
  leases: IndexedHeap<AttemptState>;
  /** AVAILABLE units waiting out a retry delay, ordered by when they may run again. */
  delayed: IndexedHeap<WorkUnitState>;
  workers: Map<string, WorkerState>;
  /** Pending attempts per worker id (registered or not). */
  pendingByWorker: Map<string, Set<AttemptState>>;
  /** Child worker ids per parent id; the parent need not be registered. */
  childrenOf: Map<string, Set<string>>;
  /** Events applied tolerantly because what they referred to was gone. */
  ignoredEvents: number;
  /** Units with a time to live, soonest first; entries of units since started or gone are skipped. */
  expiring: MinHeap<{ at: number; unit: WorkUnitState }>;
  /** Adds made under an idempotency key, oldest first (decide/idempotency.ts bounds them). */
  idempotency: Map<string, IdempotentAdd>;
}

export interface IdempotentAdd {
  at: number;
  digest: string;
  spec: Name;
  count: number;
}

export interface WorkSpecState {
  name: Name;
  id: string;
  /** The spec dict exactly as given (CBOR). */
  data: Uint8Array;
  meta: WorkSpecMeta;
  units: Map<string, WorkUnitState>;
  /** AVAILABLE units that may run now: priority high first, then key. */
  available: IndexedHeap<WorkUnitState>;
  /** Units per status, indexed by status number (index 0 unused). */
  counts: number[];
  /** When a continuous unit was last generated (ms), 0 never. */
  lastContinuousAt: number;
  /** Keys sorted by the name order; rebuilt on demand after keys are added or removed. */
  sortedKeys: string[] | null;
  /**
   * FINISHED and FAILED units in the order they ended (a Set keeps insertion order; ending again
   * moves a unit to the back): retention takes from the front without scanning every unit.
   */
  ended: Set<WorkUnitState>;
  /** Units keyed by a text string (the rest by bytes): a lookup tries the other kind only if there are any. */
  textKeys: number;
}

/** Kept small on purpose: a million of these must fit in a few hundred MB. */
export interface WorkUnitState extends HeapSlot {
  key: string;
  specId: string;
  /** Opaque bytes packed as latin1 (see opaque-bytes.ts). */
  data: string;
  priority: number;
  status: number;
  /** While > 0 the AVAILABLE unit sits in `delayed` rather than in its spec's `available`. */
  availableAt: number;
  /** Attempts started on this unit (counts toward max_retries). */
  tries: number;
  /** When it last became FINISHED or FAILED, 0 otherwise. */
  endedAt: number;
  /** Time to live: not started by then (ms), it expires; 0 = never. */
  expiresAt: number;
  traceback: string | null;
  /** The newest attempt; older ones hang off `prev`. */
  last: AttemptState | null;
}

export interface AttemptState extends HeapSlot {
  id: string;
  unit: WorkUnitState;
  workerId: string;
  status: AttemptStatus;
  startedAt: number;
  expiresAt: number;
  endedAt: number;
  /** The data the attempt ended with, when it brought new data. */
  data: string | null;
  traceback: string | null;
  prev: AttemptState | null;
}

export interface WorkerState {
  id: string;
  /** The id as the worker first gave it: Coordinate answers with the kind it came in. */
  wireId: Name;
  /** Passerine's own (a frontend's pump): registered and expiring, but not listed. */
  internal: boolean;
  lifecycle: WorkerLifecycle;
  /** As the worker reports it; Coordinate's client sends None when it has no mode. */
  mode: Name | null;
  data: Uint8Array;
  parent: string | null;
  registeredAt: number;
  lastHeartbeatAt: number;
  /** 0 = never expires. */
  expiresAt: number;
}

export function unitBefore(a: WorkUnitState, b: WorkUnitState): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return compareCanonical(a.key, b.key) < 0;
}

export function createNamespaceState(): NamespaceState {
  return {
    specs: new Map(),
    pending: new Map(),
    // Total orders, so that a restored snapshot expires and releases in the same order.
    leases: new IndexedHeap<AttemptState>((a, b) =>
      a.expiresAt !== b.expiresAt ? a.expiresAt < b.expiresAt : a.id < b.id,
    ),
    delayed: new IndexedHeap<WorkUnitState>((a, b) =>
      a.availableAt !== b.availableAt
        ? a.availableAt < b.availableAt
        : a.specId !== b.specId
          ? a.specId < b.specId
          : a.key < b.key,
    ),
    workers: new Map(),
    pendingByWorker: new Map(),
    childrenOf: new Map(),
    ignoredEvents: 0,
    idempotency: new Map(),
    expiring: new MinHeap((a, b) => a.at < b.at),
  };
}

export function createWorkSpecState(
  name: Name,
  id: string,
  data: Uint8Array,
  meta: WorkSpecMeta,
): WorkSpecState {
  return {
    name,
    id,
    data,
    meta,
    units: new Map(),
    available: new IndexedHeap<WorkUnitState>(unitBefore),
    counts: [0, 0, 0, 0, 0, 0],
    lastContinuousAt: 0,
    sortedKeys: null,
    ended: new Set(),
    textKeys: 0,
  };
}
