import type { ServerWritableStream } from '@grpc/grpc-js';
import { type Logger, PacedLoop, PasserineError, ValidationError } from '@passerine/core';
import type { WorkQueueApi } from '../coordinate/index.ts';
import { nameOf, type ProtoName, positiveInteger } from './proto-values.ts';
import { type StartedWork, startedWorkMessage } from './started-work.ts';
import { toServiceError } from './status-codes.ts';

/** Most attempts one subscriber may hold at once. */
export const MAX_IN_FLIGHT = 1000;
/** Idle polling backs off between these bounds (ms) while there is no work. */
const MIN_POLL_MS = 20;
const MAX_POLL_MS = 500;

interface Subscriber {
  wake(): void;
  stop(): void;
}

/**
 * Which subscriber received which attempt, so the Worker service can wake the stream the moment
 * its worker ends an attempt instead of waiting for the next poll. One per server, no globals.
 */
export class SubscriberRegistry {
  private readonly byAttempt = new Map<string, Subscriber>();
  private readonly active = new Set<Subscriber>();

  add(subscriber: Subscriber): void {
    this.active.add(subscriber);
  }

  /** Ends every stream (the gateway is stopping). */
  stopAll(): void {
    for (const s of this.active) s.stop();
  }

  delivered(attemptId: string, subscriber: Subscriber): void {
    this.byAttempt.set(attemptId, subscriber);
  }

  ended(attemptId: string): void {
    const subscriber = this.byAttempt.get(attemptId);
    this.byAttempt.delete(attemptId);
    subscriber?.wake();
  }

  forget(subscriber: Subscriber): void {
    this.active.delete(subscriber);
    for (const [id, s] of this.byAttempt) if (s === subscriber) this.byAttempt.delete(id);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: message shapes come from the .proto files at run time.
type Req = any;

/**
 * Streams leased work to a subscribed worker: keeps up to max_in_flight attempts pending for it,
 * fetching more whenever it has room. Ends when the client cancels or the gateway stops; bad
 * requests end it with INVALID_ARGUMENT, store outages are retried with back-off.
 */
export async function streamTasks(
  call: ServerWritableStream<Req, Req>,
  api: WorkQueueApi,
  registry: SubscriberRegistry,
  logger: Logger,
): Promise<void> {
  const r = call.request;
  let done = false;
  let loop: PacedLoop | undefined;
  const subscriber: Subscriber = {
    wake: () => loop?.wake(),
    stop: () => {
      done = true;
      void loop?.stop();
    },
  };
  const stop = subscriber.stop;
  registry.add(subscriber);
  call.on('cancelled', stop);
  call.on('close', stop);
  try {
    const workerId: string = r.worker_id ?? '';
    if (!workerId) throw new ValidationError('worker_id must be set', { field: 'worker_id' });
    const maxInFlight = positiveInteger(r.max_in_flight, 1, MAX_IN_FLIGHT);
    const specs = r.work_spec_names?.length
      ? r.work_spec_names.map((n: ProtoName, i: number) => nameOf(n, `work_spec_names[${i}]`))
      : null;
    /** One poll: tops the worker up to max_in_flight; returns how many attempts it sent. */
    const topUp = async (): Promise<number> => {
      try {
        const held = await api.call<'workerAttempts', unknown[]>('workerAttempts', { workerId });
        const room = maxInFlight - held.length;
        const work =
          room > 0 && !done
            ? await api.call<'getWork', StartedWork[]>('getWork', {
                workerId,
                maxJobs: room,
                leaseSeconds: r.lease_seconds ?? null,
                specs,
                availableGb: r.available_gb ?? null,
              })
            : [];
        for (const w of work) {
          if (w.attempt_id) registry.delivered(w.attempt_id, subscriber);
          call.write(startedWorkMessage(w));
        }
        return work.length;
      } catch (err) {
        if (err instanceof PasserineError && err.code === 'validation') throw err;
        logger.warn({ err, workerId }, 'task stream: store call failed; retrying');
        return 0;
      }
    };
    loop = new PacedLoop(topUp, MIN_POLL_MS, MAX_POLL_MS);
    if (!done) {
      loop.start();
      await loop.finished;
    }
    call.end();
  } catch (err) {
    call.destroy(Object.assign(new Error((err as Error).message), toServiceError(err)));
  } finally {
    registry.forget(subscriber);
  }
}
