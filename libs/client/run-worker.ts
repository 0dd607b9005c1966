import { hostname } from 'node:os';
import { Backoff, ValidationError } from '@passerine/core';
import type { HeldUnit, WorkQueue } from './work-queue.ts';

export interface UnitContext {
  /** Aborted when the worker stops and the unit is handed back. */
  signal: AbortSignal;
}

export interface PullWorkerOptions {
  /** The work-queue namespace (default `default`). */
  namespace?: string;
  /** The work specs to take units of; default: any. */
  workSpecs?: string[];
  /** Units in hand at once (default 1). */
  concurrency?: number;
  /** Lease of each unit; renewed every third of it while the handler runs (default 60). */
  leaseSeconds?: number;
  /**
   * Does the unit's work. What it returns (when not undefined) becomes the unit's data as it
   * finishes (its `output` feeds the spec's `then`); what it throws fails the unit, with the
   * stack as its traceback.
   */
  handler: (unit: HeldUnit, context: UnitContext) => unknown;
  /** Default: host, process and a random part. */
  workerId?: string;
  /** On SIGTERM and SIGINT, stop gracefully (default true). */
  stopOnSignals?: boolean;
  /** How long a stop waits for handlers to end before handing their units back (default 30 s). */
  graceMs?: number;
}

export interface PullWorker {
  readonly id: string;
  /** Units finished and failed so far. */
  readonly finished: number;
  readonly failed: number;
  /** Resolves once the worker has stopped and unregistered. */
  readonly done: Promise<void>;
  /** Takes no more units, waits for those in hand (up to graceMs, then hands them back), unregisters. */
  stop(): Promise<void>;
}

interface InHand {
  unit: HeldUnit;
  abort: AbortController;
  ended: Promise<void>;
}

function positive(value: number | undefined, fallback: number, field: string, integer = false): number {
  const n = value ?? fallback;
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ValidationError(`${field} must be ${integer ? 'a whole number' : 'a number'} > 0`, { field });
  }
  return n;
}

/**
 * A pull worker (Coordinate's): takes units with get_work, heartbeats as a worker, renews each
 * lease while its handler runs, and finishes or fails the unit by how the handler ended. Stops
 * gracefully: units in hand are finished, or handed back when the grace runs out.
 */
export function startPullWorker(queue: WorkQueue, options: PullWorkerOptions): PullWorker {
  if (typeof options.handler !== 'function')
    throw new ValidationError('runWorker needs a handler function', { field: 'handler' });
  const concurrency = positive(options.concurrency, 1, 'concurrency', true);
  const leaseSeconds = positive(options.leaseSeconds, 60, 'leaseSeconds');
  const graceMs = options.graceMs ?? 30_000;
  const id = options.workerId ?? `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const inHand = new Set<InHand>();
  const counts = { finished: 0, failed: 0 };
  let stopping = false;
  let wake: () => void = () => {};
  const idle = new Backoff(50, 1_000);

  const heartbeat = () =>
    queue.workerHeartbeat(id, stopping ? 'TERMINATE' : 'RUN', leaseSeconds * 2).catch(() => undefined);
  const beat = setInterval(heartbeat, (leaseSeconds * 1000) / 3);

  async function handle(unit: HeldUnit, abort: AbortController): Promise<void> {
    const renew = setInterval(
      () => void queue.renewAttempt(unit.attemptId, leaseSeconds).catch(() => undefined),
      (leaseSeconds * 1000) / 3,
    );
    try {
      const data = await options.handler(unit, { signal: abort.signal });
      if (abort.signal.aborted) return;
      await queue.finishAttempt(unit.attemptId, data === undefined ? undefined : data);
      counts.finished++;
    } catch (err) {
      if (abort.signal.aborted) return;
      const base =
        unit.data !== null && typeof unit.data === 'object' && !Array.isArray(unit.data) ? unit.data : {};
      const traceback = (err as Error)?.stack ?? String(err);
      await queue.failAttempt(unit.attemptId, { ...base, traceback }).catch(() => undefined);
      counts.failed++;
    } finally {
      clearInterval(renew);
    }
  }

  async function loop(): Promise<void> {
    await heartbeat();
    while (!stopping) {
      const free = concurrency - inHand.size;
      let units: HeldUnit[] = [];
      if (free > 0) {
        units = await queue
          .getWork(id, { specs: options.workSpecs, maxJobs: free, leaseSeconds })
          .catch(() => []);
      }
      for (const unit of units) {
        const entry: InHand = { unit, abort: new AbortController(), ended: Promise.resolve() };
        entry.ended = handle(unit, entry.abort).finally(() => {
          inHand.delete(entry);
          wake();
        });
        inHand.add(entry);
      }
      if (units.length > 0) {
        idle.reset();
        continue;
      }
      // Nothing to take (or no room): wait for a unit to end, or a while before asking again.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, free > 0 ? idle.next() : 60_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  const signals = options.stopOnSignals ?? true;
  const onSignal = () => void worker.stop();
  if (signals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  const running = loop();
  let stopped: Promise<void> | undefined;

  const worker: PullWorker = {
    id,
    get finished() {
      return counts.finished;
    },
    get failed() {
      return counts.failed;
    },
    done: undefined as unknown as Promise<void>,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wake();
        await running;
        const all = Promise.all([...inHand].map((entry) => entry.ended));
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs);
        });
        const how = await Promise.race([all.then(() => 'ended' as const), grace]);
        clearTimeout(timer);
        if (how === 'late') {
          // Whatever is still running is handed back, so another worker takes it at once.
          await Promise.allSettled(
            [...inHand].map((entry) => {
              entry.abort.abort();
              return queue.retryAttempt(entry.unit.attemptId, 0);
            }),
          );
        }
        clearInterval(beat);
        if (signals) {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
        }
        await queue.workerUnregister(id).catch(() => undefined);
      })();
      return stopped;
    },
  };
  (worker as { done: Promise<void> }).done = new Promise<void>((resolve) => {
    void running.then(() => stopped ?? worker.stop()).then(() => resolve());
  });
  return worker;
}
