/**
 * A function the warm pool calls: source shipped with the task (an expression that evaluates to
 * the function, run in the worker's global scope), or an export of a module on this machine.
 */
export type FunctionRef = { source: string } | { modulePath: string; exportName: string };

/** Main thread → pool worker: call this function with these msgpack arguments. */
export interface PoolRequest {
  id: number;
  fn: FunctionRef;
  /** msgpack of the argument list. */
  args: Uint8Array;
  maxResultBytes: number;
}

/**
 * Main thread → pool worker, in one message: calls to queue behind those it has (run one at a
 * time, in order), and calls it was sent that it must skip (cancelled before they started).
 */
export interface PoolBatch {
  calls: PoolRequest[];
  skip: number[];
}

export interface PoolError {
  name: string;
  message: string;
  stack?: string;
  /** Not the function's own failure: it could not be found or compiled, or its arguments read. */
  setup?: boolean;
}

/** Pool worker → main thread: a console line of a call, or its end. Sent in arrays, in order. */
export type PoolReply =
  | { id: number; type: 'line'; stream: 'stdout' | 'stderr'; line: string }
  | { id: number; type: 'done'; ok: true; value: Uint8Array }
  | { id: number; type: 'done'; ok: false; error: PoolError };
