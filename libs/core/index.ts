export * from './errors.ts';
export * from './clock.ts';
export * from './ids.ts';
export * from './codec.ts';
export * from './envelope.ts';
export * from './logger.ts';
export * from './limits.ts';
export type { Decider } from './decider.ts';
export { deriveTransitionTable, type TransitionTable } from './transition-table.ts';
export { type Random, seededRandom } from './random.ts';
export { Backoff } from './backoff.ts';
export { PacedLoop } from './paced-loop.ts';
export {
  type DataChange,
  type EventSchema,
  EventVersions,
  type UnderstoodVersions,
} from './event-versions.ts';
