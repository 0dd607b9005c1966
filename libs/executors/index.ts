export * from './docker-executor.ts';
export * from './executor.ts';
export * from './function-executor.ts';
export * from './line-splitter.ts';
export { OrphanWatchdog } from './orphan-watchdog.ts';
export { processAlive, stopGroup } from './process-group.ts';
export * from './shell-executor.ts';
export { FunctionPool, type FunctionPoolOptions, type PoolCall } from './function-pool.ts';
export type { FunctionRef } from './function-pool-protocol.ts';
