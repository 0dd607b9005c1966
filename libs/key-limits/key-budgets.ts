import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Backoff, decode, encode, type Logger } from '@passerine/core';
import {
  type BudgetLimit,
  decideRelease,
  decideRenew,
  decideTake,
  emptyBudget,
  type KeyBudgetState,
} from './budget.ts';

export interface KeyBudgetsOptions {
  nc: NatsConnection;
  bucket: string;
  /** How long a hold lasts unless renewed (ms): a dead holder's holds come back after this. */
  leaseMs: number;
  now: () => number;
  logger: Logger;
  replicas?: number;
}

/** The bucket of key budgets: made with the replicas given, or opened as another made it. */
export async function openKeyLimitBucket(nc: NatsConnection, bucket: string, replicas = 1): Promise<KV> {
  const kvm = new Kvm(nc);
  try {
    return await kvm.create(bucket, { history: 1, replicas });
  } catch {
    return kvm.open(bucket);
  }
}

/**
 * Key budgets shared by every process through one JetStream KV bucket, one entry per key. Every
 * change is a compare-and-set on the entry's revision: of two frontends that read the same
 * revision and both grant the last free hold, one write lands and the other is refused, reads the
 * new revision and decides again, so the holds never exceed the limit whatever the number of
 * frontends. Holds lapse unless renewed: whoever runs the task renews it, and a process that dies
 * stops renewing, so its holds come back within a lease. Lapse times are judged by the clocks of the
 * processes that write; they are assumed to agree to well within a lease (NTP).
 */
export class KeyBudgets {
  private bucket?: Promise<KV>;

  constructor(private readonly options: KeyBudgetsOptions) {}

  private kv(): Promise<KV> {
    this.bucket ??= openKeyLimitBucket(this.options.nc, this.options.bucket, this.options.replicas);
    return this.bucket;
  }

  /**
   * Takes a hold on the key if its limit has room; waits for room up to `waitMs`, watching for the
   * entry to change. False when there was none.
   */
  async take(key: string, limit: BudgetLimit, holdId: string, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    const pause = new Backoff(10, 200);
    for (;;) {
      let granted = false;
      await this.change(key, (state, now) => {
        const decision = decideTake(state, { holdId, limit, now, leaseMs: this.options.leaseMs });
        granted = decision.granted;
        return decision.granted ? decision.state : undefined;
      });
      if (granted) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, pause.next())));
    }
  }

  async renew(key: string, holdIds: readonly string[]): Promise<void> {
    await this.change(key, (state, now) => decideRenew(state, holdIds, now, this.options.leaseMs));
  }

  async release(key: string, holdIds: readonly string[]): Promise<void> {
    await this.change(key, (state, now) => decideRelease(state, holdIds, now));
  }

  /** The holds on a key that have not lapsed (for tests and status). */
  async holds(key: string): Promise<string[]> {
    const entry = await (await this.kv()).get(key);
    if (!entry || entry.length === 0) return [];
    const state = decode<KeyBudgetState>(entry.value);
    const now = this.options.now();
    return Object.entries(state.holds)
      .filter(([, until]) => until > now)
      .map(([id]) => id);
  }

  /**
   * Reads the key's entry, decides, and writes at the revision read; a refused write (someone
   * wrote meanwhile) is read and decided again. `decide` returning undefined writes nothing.
   */
  private async change(
    key: string,
    decide: (state: KeyBudgetState, now: number) => KeyBudgetState | undefined,
  ): Promise<void> {
    const kv = await this.kv();
    const pause = new Backoff(1, 50);
    for (let tries = 0; ; tries++) {
      const entry = await kv.get(key);
      const exists = entry !== null && entry.length > 0;
      const state = exists ? decode<KeyBudgetState>(entry.value) : emptyBudget();
      const next = decide(state, this.options.now());
      if (next === undefined) return;
      try {
        if (exists) await kv.update(key, encode(next), entry.revision);
        else await kv.create(key, encode(next));
        return;
      } catch (err) {
        if (tries >= 100) throw err;
        this.options.logger.debug({ err, key }, 'key budget written meanwhile; deciding again');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * pause.next()));
      }
    }
  }
}
