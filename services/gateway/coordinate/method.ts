import type { CborValue } from '@passerine/cbor';
import type { Operation, RequestOf } from '@passerine/workqueue-api';
import type { Args } from './params.ts';

/** The work queue's internal API as the gateway uses it (WorkQueueClient fits). */
export interface WorkQueueApi {
  call<Op extends Operation, Res = unknown>(op: Op, request: RequestOf<Op>): Promise<Res>;
}

/** One Coordinate method: its parameter names (for keyword params) and how it is answered. */
export interface CoordinateMethod {
  params: readonly string[];
  /** How many of the last params have a default in the original (archive's options); the rest are required. */
  optional?: number;
  run(args: Args, api: WorkQueueApi): Promise<CborValue>;
}

export type MethodGroup = Record<string, CoordinateMethod>;
