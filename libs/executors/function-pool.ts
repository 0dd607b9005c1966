import { Worker } from 'node:worker_threads';
import type { ExecuteOptions, ExecutionResult } from './executor.ts';
import type { FunctionRef, PoolReply, PoolRequest } from './function-pool-protocol.ts';

export interface FunctionPoolOptions {
  /** Worker threads kept warm; each runs one call at a time. */
  size: number;
  /** A result whose msgpack is larger fails the call, naming its size. */
  maxResultBytes: number;
}

export interface PoolCall {
  fn: FunctionRef;
  /** msgpack of the argument list. */
  args: Uint8Array;
  timeoutMs?: number;
}

const ENTRY = new URL('./function-pool-entry.mjs', import.meta.url);

interface Queued {
  request: PoolRequest;
  options: ExecuteOptions;
  timeoutMs?: number;
  resolve(result: ExecutionResult): void;
}

interface Running extends Queued {
  slot: Slot;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  running?: Running;
}

/**
 * Function tasks in warm worker threads: no thread start per task (a thread and its loader take
 * tens of milliseconds to start; a call on a warm one, well under one). Calls wait for an idle
 * worker; a call that is cancelled or overruns its deadline while running has its worker
 * terminated — the only way to stop code in the middle of a loop — and a fresh one takes its place.
 */
export class FunctionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: FunctionPoolOptions) {}

  run(call: PoolCall, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    if (options.signal?.aborted || this.closed) return Promise.resolve(cancelled('cancelled before start'));
    return new Promise((resolve) => {
      const request: PoolRequest = {
        id: this.nextId++,
        fn: call.fn,
        args: call.args,
        maxResultBytes: this.options.maxResultBytes,
      };
      const queued: Queued = { request, options, timeoutMs: call.timeoutMs, resolve };
      const idle = this.idleSlot();
      if (idle) this.start(idle, queued);
      else {
        this.queue.push(queued);
        options.signal?.addEventListener('abort', () => this.dequeue(queued), { once: true });
      }
    });
  }

  /** Stops every worker; calls running or waiting end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) queued.resolve(cancelled('the node monitor stopped'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        if (slot.running) this.end(slot.running, cancelled('the node monitor stopped'));
        return slot.worker.terminate();
      }),
    );
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => !slot.running);
    if (idle) return idle;
    if (this.slots.length >= this.options.size) return undefined;
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY);
    const slot: Slot = { worker };
    worker.on('message', (reply: PoolReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.lose(slot, `the worker thread crashed: ${err.message}`));
    worker.on('exit', (code) => this.lose(slot, `the worker thread exited with code ${code}`));
    // An idle warm worker must not keep the process alive.
    worker.unref();
    return slot;
  }

  private start(slot: Slot, queued: Queued): void {
    const running: Running = { ...queued, slot };
    slot.running = running;
    const { signal } = queued.options;
    if (signal) {
      running.onAbort = () => this.stop(running, cancelled('cancelled'));
      signal.addEventListener('abort', running.onAbort, { once: true });
    }
    if (queued.timeoutMs) {
      const ms = queued.timeoutMs;
      running.timer = setTimeout(
        () => this.stop(running, { ...cancelled(`timed out after ${ms} ms`), status: 'timeout' }),
        ms,
      );
    }
    slot.worker.postMessage(queued.request);
  }

  private onReply(slot: Slot, reply: PoolReply): void {
    const running = slot.running;
    if (!running || running.request.id !== reply.id) return;
    if (reply.type === 'line') {
      running.options.onOutput?.(reply.line, reply.stream);
      return;
    }
    const result: ExecutionResult = reply.ok
      ? { status: 'finished', exitCode: 0, signal: null, encodedValue: reply.value }
      : {
          status: 'failed',
          exitCode: 1,
          signal: null,
          error: `${reply.error.name}: ${reply.error.message}`,
          errorName: reply.error.name,
          ...(reply.error.stack !== undefined && { stack: reply.error.stack }),
          ...(reply.error.setup && { setup: true }),
        };
    this.end(running, result);
    this.next(slot);
  }

  /** Ends a running call that cannot finish on its own: its worker goes, a fresh one replaces it. */
  private stop(running: Running, result: ExecutionResult): void {
    if (running.slot.running !== running) return;
    this.end(running, result);
    this.replace(running.slot);
  }

  /** A worker died under a call (or while idle): the call fails, and the slot gets a fresh worker. */
  private lose(slot: Slot, why: string): void {
    if (!this.slots.includes(slot)) return;
    if (slot.running) this.end(slot.running, { status: 'failed', exitCode: null, signal: null, error: why });
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    void slot.worker.terminate();
    if (this.closed) return;
    const waiting = this.queue.shift();
    if (!waiting) return;
    const fresh = this.spawn();
    this.slots.push(fresh);
    this.start(fresh, waiting);
  }

  private end(running: Running, result: ExecutionResult): void {
    clearTimeout(running.timer);
    if (running.onAbort) running.options.signal?.removeEventListener('abort', running.onAbort);
    if (running.slot.running === running) running.slot.running = undefined;
    running.resolve(result);
  }

  private next(slot: Slot): void {
    const waiting = this.queue.shift();
    if (waiting) this.start(slot, waiting);
  }

  private dequeue(queued: Queued): void {
    const at = this.queue.indexOf(queued);
    if (at < 0) return;
    this.queue.splice(at, 1);
    queued.resolve(cancelled('cancelled before start'));
  }
}

function cancelled(error: string): ExecutionResult {
  return { status: 'cancelled', exitCode: null, signal: null, error };
}
