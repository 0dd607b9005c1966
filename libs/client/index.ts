/**
 * @passerine/client — what TypeScript programs import to use Passerine: connect, a futures
 * Executor and a multiprocessing-style Pool whose tasks run on the node monitors, hooks on task
 * updates and on placement, pull workers for work specs, and typed work-queue calls.
 */
export { connect, locate, PasserineClient, type ConnectOptions } from './connect.ts';
export { Executor, type ExecutorOptions, type MapOptions } from './executor.ts';
export { AsyncResult, Pool, type PoolOptions } from './pool.ts';
export { asCompleted, TaskFuture } from './future.ts';
export type { ProcessResult } from './task-handle.ts';
export type { CommandTask, DockerTask, ModuleTask, TaskBasics, TaskInput } from './task-input.ts';
export type { JobOptions } from './session.ts';
export type { TaskState, TaskStatus, UpdateHook } from './task-status.ts';
export { ConnectionLostError, TaskError } from './errors.ts';
export type { NodeOffer } from './offers.ts';
export { heuristics, placeBy, type PlacementHook, type StagedTask, type TaskPlacement } from './placement.ts';
export type { PullWorker, PullWorkerOptions, UnitContext } from './run-worker.ts';
export { runWorker } from './run-worker-standalone.ts';
export {
  type AttemptRecord,
  type HeldUnit,
  type NewUnit,
  type SpecSummary,
  UNIT_STATES,
  type UnitCounts,
  type UnitKey,
  type UnitState,
  type UnitStatus,
  type WorkSpecDefinition,
  type WorkUnit,
  WorkQueue,
} from './work-queue.ts';
export type { PlainValue } from './coordinate-values.ts';
export type { HeuristicName, PackingStrategy, Resources, ResourceWeights } from '@passerine/scheduling';
export { PasserineError, TimeoutError, ValidationError } from '@passerine/core';
// The work queue's internal API client, which Passerine's own gateway, CLI and pump use.
export { WorkQueueClient, type WorkQueueClientOptions } from './workqueue-client.ts';
export { retryUnits, type RetryChoice } from './retry-units.ts';
