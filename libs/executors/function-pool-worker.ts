import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { decode, encode } from '@passerine/core';
import type { FunctionRef, PoolBatch, PoolError, PoolReply, PoolRequest } from './function-pool-protocol.ts';

/**
 * A warm worker of the function pool: calls one function at a time, in the order they came, and
 * stays up for the next. Functions are compiled (sources) or imported (modules) once and kept.
 * Console output of a call goes back as lines tagged with the call, in the same arrays as the ends,
 * so none arrives after its call's end. Replies of calls that end quickly go back together: one
 * message between threads costs more than a small function's call.
 */
type Callable = (...args: unknown[]) => unknown;

const MAX_COMPILED = 1_000;
const compiled = new Map<string, Callable>();
let current = 0;

class SetupError extends Error {
  override name = 'SetupError';
}

/** Replies not sent yet, and since when the oldest waits. */
let outbox: PoolReply[] = [];
let oldestAt = 0;
/** Most replies held back, and for how long at most (ms). */
const HOLD_REPLIES = 64;
const HOLD_MS = 2;

let flushTimer: NodeJS.Timeout | undefined;

function post(reply: PoolReply): void {
  if (outbox.length === 0) {
    oldestAt = performance.now();
    // Lines of a call that goes on for a while leave without waiting for its end.
    flushTimer ??= setTimeout(flush, HOLD_MS);
  }
  outbox.push(reply);
}

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (outbox.length === 0) return;
  parentPort!.postMessage(outbox);
  outbox = [];
}

function captureConsole(): void {
  const line =
    (stream: 'stdout' | 'stderr') =>
    (...items: unknown[]) => {
      for (const text of format(...items).split('\n'))
        post({ id: current, type: 'line', stream, line: text });
    };
  console.log = console.info = console.debug = line('stdout');
  console.warn = console.error = line('stderr');
}

function compile(source: string): Callable {
  let fn = compiled.get(source);
  if (fn) return fn;
  try {
    // Strict, as the module it was written in; only globals are in scope, which is the point.
    fn = new Function(`"use strict"; return (${source});`)() as Callable;
  } catch (err) {
    throw new SetupError(`the function's source does not compile: ${(err as Error).message}`);
  }
  if (typeof fn !== 'function') throw new SetupError('the source is not a function');
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(source, fn);
  return fn;
}

async function load(modulePath: string, exportName: string): Promise<Callable> {
  const path = modulePath.startsWith('file:') || isAbsolute(modulePath) ? modulePath : resolve(modulePath);
  const url = path.startsWith('file:') ? path : pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new SetupError(`cannot load module ${modulePath}: ${(err as Error).message}`);
  }
  const fn = module[exportName];
  if (typeof fn !== 'function') throw new SetupError(`${modulePath} has no exported function ${exportName}`);
  return fn as Callable;
}

function functionOf(fn: FunctionRef): Callable | Promise<Callable> {
  return 'source' in fn ? compile(fn.source) : load(fn.modulePath, fn.exportName);
}

function argsOf(bytes: Uint8Array): unknown[] {
  let args: unknown;
  try {
    args = decode(bytes);
  } catch (err) {
    throw new SetupError(`the arguments are not msgpack: ${(err as Error).message}`);
  }
  if (!Array.isArray(args)) throw new SetupError('the arguments are not a list');
  return args;
}

function resultOf(value: unknown, maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = encode(value);
  } catch (err) {
    throw new TypeError(`the result cannot be sent back as msgpack: ${(err as Error).message}`);
  }
  if (bytes.length > maxBytes) {
    throw new RangeError(`the result is ${bytes.length} bytes of msgpack, over the limit of ${maxBytes}`);
  }
  return bytes;
}

function errorOf(err: unknown): PoolError {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    name: e.name,
    message: e.message,
    ...(e.stack !== undefined && { stack: e.stack }),
    ...(e instanceof SetupError && { setup: true }),
  };
}

async function call(request: PoolRequest): Promise<void> {
  current = request.id;
  try {
    const fn = await functionOf(request.fn);
    const value = await fn(...argsOf(request.args));
    post({ id: request.id, type: 'done', ok: true, value: resultOf(value, request.maxResultBytes) });
  } catch (err) {
    post({ id: request.id, type: 'done', ok: false, error: errorOf(err) });
  }
}

const queue: PoolRequest[] = [];
const skipped = new Set<number>();
let draining = false;

/** Runs the queued calls one after the other; replies go out when a call took a while, or in groups. */
async function drain(): Promise<void> {
  draining = true;
  while (queue.length > 0) {
    const request = queue.shift()!;
    if (skipped.delete(request.id)) continue;
    const started = performance.now();
    await call(request);
    const now = performance.now();
    if (now - started > 1 || outbox.length >= HOLD_REPLIES || now - oldestAt > HOLD_MS || queue.length === 0)
      flush();
  }
  flush();
  draining = false;
}

captureConsole();
parentPort!.on('message', (batch: PoolBatch) => {
  // An id to skip that came after its call ran stays here; the set is emptied before it grows large.
  if (skipped.size > 10_000) skipped.clear();
  for (const id of batch.skip) skipped.add(id);
  queue.push(...batch.calls);
  if (!draining) void drain();
});
