import { decode, encode } from '@passerine/core';
import type { BatchTask } from '@passerine/batch';
import type { FunctionRef } from '@passerine/executors';

export type { FunctionRef };

/**
 * Payloads node monitors run themselves, tagged by `kind`; any other payload goes to the external
 * worker subscribed to the node's task subject.
 * - `sleep`: waits, for benchmarks and tests;
 * - `function`: a module export called in a worker thread of its own, arguments structured-cloned;
 * - `call`: a function (FunctionRef) called in a warm worker thread, arguments and result msgpack;
 * - `docker`: a container run through the docker CLI;
 * - `batch`: an attempt of a batch job's run, carried out by its runner (libs/batch).
 */
export type PayloadTask =
  | { kind: 'sleep'; ms: number; exitCode?: number }
  | { kind: 'function'; modulePath: string; exportName: string; args?: unknown[] }
  | { kind: 'call'; fn: FunctionRef; args: Uint8Array; timeoutMs?: number }
  | {
      kind: 'docker';
      image: string;
      command?: string[];
      env?: Record<string, string>;
      cwd?: string;
      timeoutMs?: number;
    }
  | { kind: 'batch'; task: BatchTask; attempt: number };

/** Bounds of what a function task ships and what any task's outcome carries back. */
export const TASK_LIMITS = {
  /** msgpack of a call's arguments. */
  maxArgsBytes: 256 * 1024,
  /** msgpack of a function's result: over it the task fails, naming the size. */
  maxResultBytes: 512 * 1024,
  /** Source of an inline function. */
  maxSourceBytes: 64 * 1024,
  /** What an outcome keeps of stdout and of stderr each; past it they are cut and flagged. */
  maxCapturedBytes: 64 * 1024,
} as const;

export function encodePayload(task: PayloadTask): Uint8Array {
  return encode(task);
}

const KINDS = new Set(['sleep', 'function', 'call', 'docker', 'batch']);

/** The payload node monitors run themselves, or undefined for one meant for an external worker. */
export function decodePayload(payload: Uint8Array): PayloadTask | undefined {
  try {
    const value = decode<Record<string, unknown>>(payload);
    if (typeof value !== 'object' || value === null) return undefined;
    return KINDS.has(value.kind as string) ? (value as PayloadTask) : undefined;
  } catch {
    return undefined;
  }
}
