export { coordinateMethods, createCoordinateHandler } from './method-table.ts';
export type { CoordinateMethod, WorkQueueApi } from './method.ts';
export { MAX_BATCH_BYTES, batchUnits } from './add-unit-batches.ts';
