import { ValidationError } from '@passerine/core';
import type { Resources } from '@passerine/scheduling';
import { TaskFuture } from './future.ts';
import type { NodeOffers } from './offers.ts';
import { HookPlacer, type PlacementHook } from './placement.ts';
import type { JobOptions, Session } from './session.ts';
import { TaskHandle } from './task-handle.ts';
import type { ProcessResult } from './task-handle.ts';
import {
  type CommandTask,
  type DockerTask,
  draftOf,
  functionDraft,
  type ModuleTask,
  shippableSource,
  type TaskBasics,
} from './task-input.ts';
import { TaskQueue } from './task-queue.ts';
import type { UpdateHook } from './task-status.ts';

export interface ExecutorOptions extends JobOptions {
  /** Stops (and fails) a task after this long. */
  timeoutMs?: number;
  /** Hears every change of state of every task of this executor (Satyr's on_update). */
  onUpdate?: UpdateHook;
  /**
   * Whether hooks hear each task's start (`running`), which costs the node one more message per
   * task; default: when there is a hook. Ends are heard either way.
   */
  watchStarts?: boolean;
  /**
   * Chooses nodes for the tasks itself (Satyr's on_offers): sees the node offers and the tasks
   * waiting, returns placements; `placeBy` and `heuristics` are there to call from it.
   */
  placement?: PlacementHook;
}

export interface MapOptions {
  /** Most tasks of this map in flight at once across the cluster (default: all of them). */
  concurrency?: number;
  /** Results in the order of the items (default), or in the order the tasks end. */
  ordered?: boolean;
  /** What each task holds on its node. */
  resources?: Partial<Resources>;
  /** Runs of a task lost with its node, by the scheduler. */
  retries?: number;
  timeoutMs?: number;
}

type Fn<A extends unknown[], R> = (...args: A) => R;

export interface Shipped {
  session: Session;
  offers: NodeOffers;
}

/** Checks a concurrency or processes count: a whole number >= 1, or unbounded. */
export function capOf(value: number | undefined, field: string): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (!(Number.isInteger(value) && value >= 1) && value !== Number.POSITIVE_INFINITY) {
    throw new ValidationError(`${field} must be a whole number >= 1`, { field });
  }
  return value;
}

/**
 * Satyr's futures Executor: `submit` sends one task (its own job, so its future can cancel it
 * alone); `map` sends one task per item, in jobs of many tasks, which run in parallel across the
 * node monitors. Functions travel as their source (no free variables: refused here, naming them),
 * arguments and results as msgpack.
 */
export class Executor {
  private readonly hooks: UpdateHook[];
  private readonly watchStarts: boolean;
  private readonly solo: TaskQueue;
  private readonly queues = new Set<TaskQueue>();

  constructor(
    private readonly shipped: Shipped,
    private readonly options: ExecutorOptions = {},
  ) {
    this.hooks = options.onUpdate ? [options.onUpdate] : [];
    this.watchStarts = options.watchStarts ?? this.hooks.length > 0;
    this.solo = this.queue(Number.POSITIVE_INFINITY, true, options);
  }

  /** Sends an inline function with its arguments, or a command, container or module task. */
  submit<A extends unknown[], R>(fn: Fn<A, R>, ...args: A): TaskFuture<Awaited<R>>;
  submit(task: CommandTask | DockerTask): TaskFuture<ProcessResult>;
  submit<R = unknown>(task: ModuleTask): TaskFuture<R>;
  submit(task: unknown, ...args: unknown[]): TaskFuture<unknown> {
    const draft =
      typeof task === 'function'
        ? functionDraft(shippableSource(task), args, this.basics())
        : draftOf(task as CommandTask);
    const handle = new TaskHandle(draft, 0, [...this.hooks], true);
    this.solo.add(handle);
    return new TaskFuture(handle, (jobId) =>
      this.shipped.session.cancel(jobId, 'cancelled by its submitter'),
    );
  }

  /**
   * Runs `fn` on every item, each item its own task, and resolves with the results (in the items'
   * order unless `ordered: false`). Rejects at the first task that fails, and cancels the others.
   */
  map<T, R>(fn: (item: T) => R, items: Iterable<T>, options: MapOptions = {}): Promise<Array<Awaited<R>>> {
    const source = shippableSource(fn);
    const basics = { ...this.basics(), ...pick(options) };
    const drafts = [...items].map((item) => functionDraft(source, [item], basics));
    const queue = this.queue(capOf(options.concurrency, 'concurrency'), false, {
      ...this.options,
      ...(options.retries !== undefined && { retries: options.retries }),
    });
    const handles = drafts.map(
      (draft, index) => new TaskHandle<Awaited<R>>(draft, index, [...this.hooks], this.watchStarts),
    );
    for (const handle of handles) queue.add(handle);
    return gather(handles, options.ordered ?? true, (err) => {
      queue.drop(err);
      void this.cancelJobs(openJobs(handles));
    }).finally(() => {
      queue.close();
      this.queues.delete(queue);
    });
  }

  /** Stops the executor's placement watch; tasks in hand go on. */
  close(): void {
    for (const queue of this.queues) queue.close();
  }

  private queue(cap: number, solo: boolean, options: JobOptions): TaskQueue {
    const placer = this.options.placement
      ? new HookPlacer(this.options.placement, this.shipped.offers, this.options)
      : undefined;
    const queue = new TaskQueue(this.shipped.session, options, cap, solo, placer);
    this.queues.add(queue);
    return queue;
  }

  private basics(): TaskBasics {
    return this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {};
  }

  private async cancelJobs(jobIds: Iterable<string>): Promise<void> {
    await Promise.allSettled(
      [...jobIds].map((id) => this.shipped.session.cancel(id, 'another task of its map failed')),
    );
  }
}

function pick(options: MapOptions): TaskBasics {
  return {
    ...(options.resources !== undefined && { resources: options.resources }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  };
}

/**
 * The results of these tasks, in their order or as they end; at the first failure it rejects, and
 * `onFailure` drops and cancels the rest, so nothing of the call goes on running.
 */
export function gather<R>(
  handles: ReadonlyArray<TaskHandle<R>>,
  ordered: boolean,
  onFailure: (err: unknown) => void,
): Promise<R[]> {
  const results: R[] = [];
  return new Promise<R[]>((resolve, reject) => {
    let left = handles.length;
    let failed = false;
    if (left === 0) resolve([]);
    for (const handle of handles) {
      handle.settled.then(
        (value) => {
          if (ordered) results[handle.index] = value;
          else results.push(value);
          if (--left === 0 && !failed) resolve(results);
        },
        (err) => {
          if (failed) return;
          failed = true;
          onFailure(err);
          reject(err);
        },
      );
    }
  });
}

/** Jobs of these tasks that are still open. */
export function openJobs(handles: Iterable<TaskHandle>): Set<string> {
  const jobs = new Set<string>();
  for (const handle of handles) if (!handle.ended && handle.jobId !== undefined) jobs.add(handle.jobId);
  return jobs;
}
