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

export interface PoolError {
  name: string;
  message: string;
  stack?: string;
  /** Not the function's own failure: it could not be found or compiled, or its arguments read. */
  setup?: boolean;
}

/** Pool worker → main thread: a console line of the call, or its end. */
export type PoolReply =
  | { id: number; type: 'line'; stream: 'stdout' | 'stderr'; line: string }
  | { id: number; type: 'done'; ok: true; value: Uint8Array }
  | { id: number; type: 'done'; ok: false; error: PoolError };
