/**
 * The Coordinate-compatible work queue of one namespace: a Decider (libs/core) whose evolve changes
 * the namespace in place, and queries. No I/O: time, ids and randomness come in through DecideContext.
 *
 * How the store drives it:
 *   const events = decide(command, state, { now, nextId, random }); // throws PasserineError, changes nothing
 *   append(events) ... then for (const e of events) state = evolve(state, e); // the same object, changed
 *   reply from the events (counts, ids) and from queries, e.g. startedWork(state, events) for get_work.
 *   After each commit, arm the timer at nextDeadline(state); when it fires run, each in turn,
 *   ExpireWorkers, ExpireLeases, ReleaseDelayedUnits (decide + evolve each).
 * Units of time: commands take seconds (Coordinate's), events and queries carry ms since the epoch.
 * Pair-returning Coordinate methods map any thrown PasserineError to [false, message].
 */
export * from './commands.ts';
export { decide } from './decide/decide.ts';
export { workQueueDecider } from './decider.ts';
export { MAX_JOBS_PER_GET_WORK } from './decide/get-work.ts';
export { DEFAULT_TICK_LIMIT } from './decide/decide-timers.ts';
export { DEFAULT_RETENTION_LIMIT } from './decide/decide-retention.ts';
export { checkIdempotencyKey, IDEMPOTENCY_WINDOW_MS } from './decide/idempotency.ts';
export * from './events.ts';
export { currentVersion, workQueueEventSchemas, workQueueVersions } from './event-versions.ts';
export { evolve, UnknownEventError } from './evolve/evolve.ts';
export {
  canonicalName,
  compareCanonical,
  describeName,
  identityOf,
  isName,
  type Name,
  nameIdentity,
  nameOfCanonical,
} from './keys.ts';
export { findSpec, findUnit } from './lookup.ts';
export { attemptMachine } from './lifecycle/attempt-machine.ts';
export { workUnitMachine } from './lifecycle/work-unit-machine.ts';
export { workerMachine } from './lifecycle/worker-machine.ts';
export { EMPTY_CBOR_MAP, unpackBytes } from './opaque-bytes.ts';
export * from './queries/attempt-queries.ts';
export { nextDeadline } from './queries/deadline.ts';
export * from './queries/spec-queries.ts';
export * from './queries/unit-queries.ts';
export * from './queries/worker-queries.ts';
export { defaultWorkSpecMeta, type WorkSpecControls, type WorkSpecMeta } from './spec-meta.ts';
export { createNamespaceState, type NamespaceState } from './state.ts';
export * from './status.ts';
export {
  type AttemptColumns,
  type NamespaceSnapshot,
  restoreNamespace,
  type SpecSnapshot,
  snapshotNamespace,
  snapshotSteps,
  type UnitColumns,
} from './snapshot.ts';
