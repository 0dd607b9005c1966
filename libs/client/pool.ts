import { PasserineError, TimeoutError } from '@passerine/core';
import { capOf, gather, openJobs, type Shipped } from './executor.ts';
import { HookPlacer, type PlacementHook } from './placement.ts';
import type { JobOptions } from './session.ts';
import { TaskHandle } from './task-handle.ts';
import { functionDraft, shippableSource, type TaskBasics } from './task-input.ts';
import { TaskQueue } from './task-queue.ts';
import type { UpdateHook } from './task-status.ts';

export interface PoolOptions extends JobOptions {
  /**
   * The pool's cap on its tasks in flight across the cluster (not threads here): default, the
   * slots of the node monitors live when the pool is made.
   */
  processes?: number;
  timeoutMs?: number;
  onUpdate?: UpdateHook;
  /**
   * Whether hooks hear each task's start (`running`), which costs the node one more message per
   * task; default: when there is a hook. Ends are heard either way.
   */
  watchStarts?: boolean;
  placement?: PlacementHook;
}

/** multiprocessing's AsyncResult (Satyr's): wait for it, ask whether it is ready or went well. */
export class AsyncResult<T> {
  private outcome?: { ok: true; value: T } | { ok: false; error: unknown };

  constructor(private readonly promise: Promise<T>) {
    promise.then(
      (value) => {
        this.outcome = { ok: true, value };
      },
      (error) => {
        this.outcome = { ok: false, error };
      },
    );
  }

  /** The result; rejects with the task's error, or a TimeoutError after `timeoutMs`. */
  async get(timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined) return this.promise;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`no result within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.promise, late]).finally(() => clearTimeout(timer));
  }

  /** Waits until it is ready, at most `timeoutMs`; never rejects. */
  async wait(timeoutMs?: number): Promise<void> {
    await this.get(timeoutMs).catch(() => undefined);
  }

  ready(): boolean {
    return this.outcome !== undefined;
  }

  /** Whether it ended well; asking before it is ready is an error, as in multiprocessing. */
  successful(): boolean {
    if (!this.outcome) throw new PasserineError('illegal_state', 'the result is not ready');
    return this.outcome.ok;
  }
}

type Fn<A extends unknown[], R> = (...args: A) => R;

/**
 * A multiprocessing-style Pool over the cluster: every call is tasks on node monitors, and
 * `processes` caps how many of the pool's tasks are in flight at once. close() stops taking work
 * and waits for what is in hand; terminate() also kills it.
 */
export class Pool {
  private readonly queue: TaskQueue;
  private readonly hooks: UpdateHook[];
  private readonly watchStarts: boolean;
  private readonly inHand = new Set<TaskHandle>();
  private closed = false;

  constructor(
    private readonly shipped: Shipped,
    private readonly options: PoolOptions & { processes: number },
  ) {
    capOf(options.processes, 'processes');
    this.hooks = options.onUpdate ? [options.onUpdate] : [];
    this.watchStarts = options.watchStarts ?? this.hooks.length > 0;
    const placer = options.placement ? new HookPlacer(options.placement, shipped.offers, options) : undefined;
    this.queue = new TaskQueue(shipped.session, options, options.processes, false, placer);
  }

  get processes(): number {
    return this.options.processes;
  }

  /** Calls `fn(...args)` on a node and waits for its result. */
  apply<A extends unknown[], R>(fn: Fn<A, R>, args: A): Promise<Awaited<R>> {
    return this.applyAsync(fn, args).get();
  }

  /** Calls `fn(...args)` on a node; `callback` / `errorCallback` hear how it ended. */
  applyAsync<A extends unknown[], R>(
    fn: Fn<A, R>,
    args: A,
    callbacks: { callback?: (value: Awaited<R>) => void; errorCallback?: (err: unknown) => void } = {},
  ): AsyncResult<Awaited<R>> {
    this.open();
    const handle = this.track(
      new TaskHandle<Awaited<R>>(
        functionDraft(shippableSource(fn), args, this.basics()),
        0,
        [...this.hooks],
        this.watchStarts,
      ),
    );
    this.queue.add(handle);
    handle.settled.then(
      (value) => callbacks.callback?.(value),
      (err) => callbacks.errorCallback?.(err),
    );
    return new AsyncResult(handle.settled);
  }

  /** `fn` on every item, each its own task; the results in the items' order. */
  map<T, R>(fn: (item: T) => R, items: Iterable<T>): Promise<Array<Awaited<R>>> {
    return this.run(fn, items, true);
  }

  mapAsync<T, R>(fn: (item: T) => R, items: Iterable<T>): AsyncResult<Array<Awaited<R>>> {
    return new AsyncResult(this.map(fn, items));
  }

  /** Results one by one, in the items' order, as soon as each and those before it are there. */
  async *imap<T, R>(fn: (item: T) => R, items: Iterable<T>): AsyncGenerator<Awaited<R>> {
    const handles = this.start(fn, items);
    for (const handle of handles) yield await handle.settled;
  }

  /** Results one by one, as the tasks end. */
  async *imapUnordered<T, R>(fn: (item: T) => R, items: Iterable<T>): AsyncGenerator<Awaited<R>> {
    const pending = new Map(
      this.start(fn, items).map((h) => [
        h,
        h.settled.then(
          () => h,
          () => h,
        ),
      ]),
    );
    while (pending.size > 0) {
      const next = await Promise.race(pending.values());
      pending.delete(next);
      yield await next.settled;
    }
  }

  /** Takes no more work, and resolves once every task in hand has ended (join, after close). */
  async close(): Promise<void> {
    this.closed = true;
    await this.join();
  }

  /** Takes no more work and kills what is in hand. */
  async terminate(): Promise<void> {
    this.closed = true;
    const stopped = new PasserineError('illegal_state', 'the pool was terminated');
    this.queue.drop(stopped);
    await this.cancel(openJobs(this.inHand), 'the pool was terminated');
    for (const handle of this.inHand) handle.reject(stopped);
    this.queue.close();
  }

  /** Waits until every task in hand has ended; only after close() or terminate(), as in multiprocessing. */
  async join(): Promise<void> {
    if (!this.closed)
      throw new PasserineError('illegal_state', 'join() waits for a closed pool: call close() first');
    await Promise.allSettled([...this.inHand].map((handle) => handle.settled));
    this.queue.close();
  }

  private run<T, R>(fn: (item: T) => R, items: Iterable<T>, ordered: boolean): Promise<Array<Awaited<R>>> {
    const handles = this.start(fn, items);
    return gather(handles, ordered, (err) => {
      for (const handle of handles) if (!handle.jobId) handle.reject(err);
      void this.cancel(openJobs(handles), 'another task of its map failed');
    });
  }

  private start<T, R>(fn: (item: T) => R, items: Iterable<T>): Array<TaskHandle<Awaited<R>>> {
    this.open();
    const source = shippableSource(fn);
    const handles = [...items].map((item, index) =>
      this.track(
        new TaskHandle<Awaited<R>>(
          functionDraft(source, [item], this.basics()),
          index,
          [...this.hooks],
          this.watchStarts,
        ),
      ),
    );
    for (const handle of handles) this.queue.add(handle);
    return handles;
  }

  private track<H extends TaskHandle>(handle: H): H {
    this.inHand.add(handle);
    handle.whenEnded(() => this.inHand.delete(handle));
    return handle;
  }

  private async cancel(jobIds: Iterable<string>, reason: string): Promise<void> {
    await Promise.allSettled([...jobIds].map((id) => this.shipped.session.cancel(id, reason)));
  }

  private open(): void {
    if (this.closed) throw new PasserineError('illegal_state', 'the pool is closed: it takes no more work');
  }

  private basics(): TaskBasics {
    return this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {};
  }
}
