import type { NatsConnection } from '@nats-io/transport-node';
import { Backoff, limits, PasserineError, UnavailableError } from '@passerine/core';
import { type LocalRpc, requestRpc } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import type { Operation, RequestOf } from '@passerine/workqueue-api';

export interface WorkQueueClientOptions {
  namespace?: string;
  timeoutMs?: number;
  /** How long to keep retrying while no leader serves the namespace (failover, first use). */
  leaderWaitMs?: number;
  /** When the namespace's store leader runs in this process, calls go to it without nats-server. */
  local?: LocalRpc;
}

/** Errors that say the request was not processed at all, so sending it again is safe. */
function nobodyServes(err: unknown): boolean {
  return err instanceof PasserineError && err.code === 'unavailable' && err.details?.retryable === true;
}

/**
 * Calls the work queue's internal API. When no leader serves the namespace yet (first use, or a
 * failover in progress) it asks the store replicas to open it and retries; nothing was processed
 * in that case, so the retry is safe. A timeout is not retried: the request may have been applied.
 */
export class WorkQueueClient {
  readonly namespace: string;
  private readonly timeoutMs: number;
  private readonly leaderWaitMs: number;
  private readonly local?: LocalRpc;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    options: WorkQueueClientOptions = {},
  ) {
    this.namespace = options.namespace ?? 'default';
    this.timeoutMs = options.timeoutMs ?? limits.requestTimeoutMs;
    this.leaderWaitMs = options.leaderWaitMs ?? 15_000;
    this.local = options.local;
  }

  async call<Op extends Operation, Res = unknown>(op: Op, request: RequestOf<Op>): Promise<Res> {
    const subject = this.names.workQueueRpc(this.namespace, op);
    const deadline = Date.now() + this.leaderWaitMs;
    const wait = new Backoff(10, 250);
    for (;;) {
      const local = this.local?.call<Res>(subject, request);
      if (local) return local;
      try {
        return await requestRpc<Res>(this.nc, subject, request, this.timeoutMs);
      } catch (err) {
        if (!nobodyServes(err) || Date.now() > deadline) throw err;
      }
      await requestRpc(
        this.nc,
        this.names.openNamespace,
        { namespace: this.namespace },
        this.timeoutMs,
      ).catch((err) => {
        if (!nobodyServes(err)) throw err;
      });
      await new Promise((r) => setTimeout(r, wait.next()));
      if (Date.now() > deadline) throw new UnavailableError(`no store leads namespace ${this.namespace}`);
    }
  }
}
