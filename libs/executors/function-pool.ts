import { Worker } from 'node:worker_threads';
import type { ExecuteOptions, ExecutionResult } from './executor.ts';
import type { FunctionRef, PoolBatch, PoolReply, PoolRequest } from './function-pool-protocol.ts';

export interface FunctionPoolOptions {
  /** Worker threads kept warm; each runs one call at a time. */
  size: number;
  /** A result whose msgpack is larger fails the call, naming its size. */
  maxResultBytes: number;
  /** Calls handed to one worker ahead of time, queued there behind the one it runs (default 32). */
  pipeline?: number;
}

export interface PoolCall {
  fn: FunctionRef;
  /** msgpack of the argument list. */
  args: Uint8Array;
  timeoutMs?: number;
}

const ENTRY = new URL('./function-pool-entry.mjs', import.meta.url);

interface Call {
  request: PoolRequest;
  options: ExecuteOptions;
  timeoutMs?: number;
  resolve(result: ExecutionResult): void;
  slot?: Slot;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  /** Calls handed to the worker, in the order it runs them: the first is running (or about to). */
  assigned: Call[];
  /** What goes to the worker at the end of this turn. */
  outgoing: PoolBatch;
}

/**
 * Function tasks in warm worker threads: no thread start per task (a thread and its loader take
 * tens of milliseconds to start; a call on a warm one, well under one). Each worker runs one call
 * at a time, in order, with a few more handed to it ahead: calls and replies travel between the
 * threads in groups, one message per turn, since a message between threads costs more than a small
 * function's call. A call that is cancelled or overruns its deadline while running has its worker
 * terminated — the only way to stop code in the middle of a loop — a fresh one takes its place, and
 * the calls queued behind it go to the others; one cancelled before it started is skipped.
 */
export class FunctionPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Call[] = [];
  private readonly pipeline: number;
  private nextId = 1;
  private flushing = false;
  private closed = false;

  constructor(private readonly options: FunctionPoolOptions) {
    this.pipeline = options.pipeline ?? 32;
  }

  run(call: PoolCall, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    if (options.signal?.aborted || this.closed) return Promise.resolve(cancelled('cancelled before start'));
    return new Promise((resolve) => {
      const request: PoolRequest = {
        id: this.nextId++,
        fn: call.fn,
        args: call.args,
        maxResultBytes: this.options.maxResultBytes,
      };
      const entry: Call = { request, options, timeoutMs: call.timeoutMs, resolve };
      if (options.signal) {
        entry.onAbort = () => this.cancel(entry);
        options.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.dispatch(entry);
    });
  }

  /** Stops every worker; calls running or waiting end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = cancelled('the node monitor stopped');
    for (const call of this.waiting.splice(0)) this.end(call, stopped);
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        for (const call of slot.assigned.splice(0)) this.end(call, stopped);
        return slot.worker.terminate();
      }),
    );
  }

  /** Hands the call to a worker, or has it wait for room. */
  private dispatch(call: Call): void {
    if (!this.place(call)) this.waiting.push(call);
  }

  /** Hands the call to the least busy worker with room, starting one if the pool may; false if none has. */
  private place(call: Call): boolean {
    let best: Slot | undefined;
    for (const slot of this.slots) if (!best || slot.assigned.length < best.assigned.length) best = slot;
    if ((!best || best.assigned.length > 0) && this.slots.length < this.options.size) best = this.spawn();
    if (!best || best.assigned.length >= this.pipeline) return false;
    call.slot = best;
    best.assigned.push(call);
    best.outgoing.calls.push(call.request);
    if (best.assigned.length === 1) this.started(call);
    this.scheduleFlush();
    return true;
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY);
    const slot: Slot = { worker, assigned: [], outgoing: { calls: [], skip: [] } };
    worker.on('message', (replies: PoolReply[]) => this.onReplies(slot, replies));
    worker.on('error', (err) => this.lose(slot, `the worker thread crashed: ${err.message}`));
    worker.on('exit', (code) => this.lose(slot, `the worker thread exited with code ${code}`));
    // An idle warm worker must not keep the process alive.
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      for (const slot of this.slots) {
        const { outgoing } = slot;
        if (outgoing.calls.length === 0 && outgoing.skip.length === 0) continue;
        slot.outgoing = { calls: [], skip: [] };
        slot.worker.postMessage(outgoing);
      }
    });
  }

  /** The call is at the head of its worker's queue: its deadline runs from now. */
  private started(call: Call): void {
    if (!call.timeoutMs) return;
    const ms = call.timeoutMs;
    call.timer = setTimeout(
      () => this.stopRunning(call, { ...cancelled(`timed out after ${ms} ms`), status: 'timeout' }),
      ms,
    );
  }

  private onReplies(slot: Slot, replies: PoolReply[]): void {
    for (const reply of replies) {
      const call = slot.assigned[0];
      if (reply.type === 'line') {
        if (call?.request.id === reply.id) call.options.onOutput?.(reply.line, reply.stream);
        continue;
      }
      // A reply for a call no longer here (skipped, or given up on) is dropped.
      const at = slot.assigned.findIndex((c) => c.request.id === reply.id);
      if (at < 0) continue;
      const [done] = slot.assigned.splice(at, 1);
      this.end(done, resultOf(reply));
      if (at === 0 && slot.assigned.length > 0) this.started(slot.assigned[0]);
    }
    this.refill();
  }

  private cancel(call: Call): void {
    const slot = call.slot;
    if (!slot) {
      const at = this.waiting.indexOf(call);
      if (at >= 0) this.waiting.splice(at, 1);
      this.end(call, cancelled('cancelled before start'));
      return;
    }
    if (slot.assigned[0] === call) {
      this.stopRunning(call, cancelled('cancelled'));
      return;
    }
    const at = slot.assigned.indexOf(call);
    if (at >= 0) slot.assigned.splice(at, 1);
    slot.outgoing.skip.push(call.request.id);
    this.scheduleFlush();
    this.end(call, cancelled('cancelled before start'));
  }

  /** Ends the running call of a worker that cannot finish it: the worker goes, the rest move on. */
  private stopRunning(call: Call, result: ExecutionResult): void {
    const slot = call.slot;
    if (!slot || slot.assigned[0] !== call) return;
    slot.assigned.shift();
    this.end(call, result);
    this.retire(slot);
  }

  /** A worker died under a call (or while idle): the running call fails, the others move on. */
  private lose(slot: Slot, why: string): void {
    if (!this.slots.includes(slot)) return;
    const running = slot.assigned.shift();
    if (running) this.end(running, { status: 'failed', exitCode: null, signal: null, error: why });
    this.retire(slot);
  }

  /** Takes a worker out; the calls queued behind its running one go back to wait, first in line. */
  private retire(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    void slot.worker.terminate();
    const queued = slot.assigned.splice(0);
    for (const call of queued) call.slot = undefined;
    this.waiting.unshift(...queued);
    if (!this.closed) this.refill();
  }

  private refill(): void {
    while (this.waiting.length > 0 && this.place(this.waiting[0])) this.waiting.shift();
  }

  private end(call: Call, result: ExecutionResult): void {
    clearTimeout(call.timer);
    if (call.onAbort) call.options.signal?.removeEventListener('abort', call.onAbort);
    call.slot = undefined;
    call.resolve(result);
  }
}

function resultOf(reply: PoolReply & { type: 'done' }): ExecutionResult {
  if (reply.ok) return { status: 'finished', exitCode: 0, signal: null, encodedValue: reply.value };
  return {
    status: 'failed',
    exitCode: 1,
    signal: null,
    error: `${reply.error.name}: ${reply.error.message}`,
    errorName: reply.error.name,
    ...(reply.error.stack !== undefined && { stack: reply.error.stack }),
    ...(reply.error.setup && { setup: true }),
  };
}

function cancelled(error: string): ExecutionResult {
  return { status: 'cancelled', exitCode: null, signal: null, error };
}
