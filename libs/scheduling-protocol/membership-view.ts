import type { KV } from '@nats-io/kv';
import type { Logger } from '@passerine/core';
import { watchBucket } from '@passerine/natsconn';

interface Advert {
  id: string;
  lastHeartbeat: number;
}

export interface MembershipViewOptions<T extends Advert> {
  bucket: KV;
  /** An advert whose heartbeat is older than this counts as a dead member (ms). */
  staleAfterMs: number;
  now: () => number;
  logger: Logger;
  /** A member left: its key was deleted or its heartbeat went stale. */
  onLost?: (member: T) => void;
  onChange?: () => void;
  /** Members that are alive but take no new work (a cordoned node): kept out of live(). */
  usable?: (member: T) => boolean;
}

/**
 * Everyone's view of a membership bucket: the latest advert per key, kept by a watch. Members
 * whose heartbeat is stale are dropped by a sweep, since nats-server 2.9 does not announce
 * entries that age out of a bucket.
 */
export class MembershipView<T extends Advert> {
  private readonly members = new Map<string, T>();
  private list: T[] | undefined;
  private sweeper?: NodeJS.Timeout;
  private watch?: { stop(): void };
  /** Callers of whenAny waiting for a first member. */
  private waiting = new Set<() => void>();

  constructor(private readonly options: MembershipViewOptions<T>) {}

  /** Resolves once the adverts present at start have been read. */
  async start(): Promise<void> {
    this.watch = await watchBucket<T>(this.options.bucket, {
      put: (_key, advert) => this.put(advert),
      remove: (key) => this.remove(key),
      unreadable: (key, err) => this.options.logger.warn({ err, key }, 'unreadable advert ignored'),
    });
    const every = Math.max(20, Math.floor(this.options.staleAfterMs / 4));
    this.sweeper = setInterval(() => this.sweep(), every);
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.watch?.stop();
  }

  /** Members with a fresh heartbeat. The array is shared until the next change: do not modify it. */
  live(): readonly T[] {
    const usable = this.options.usable;
    this.list ??= usable ? [...this.members.values()].filter(usable) : [...this.members.values()];
    return this.list;
  }

  /** Resolves true once some member is live, or false after `timeoutMs` with none. */
  whenAny(timeoutMs: number): Promise<boolean> {
    if (this.members.size > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (found: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve(found);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiting.add(wake);
    });
  }

  get(id: string): T | undefined {
    return this.members.get(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  private put(advert: T): void {
    if (this.options.now() - advert.lastHeartbeat > this.options.staleAfterMs) return;
    const known = this.members.get(advert.id);
    this.members.set(advert.id, advert);
    this.list = undefined;
    const usable = this.options.usable;
    if (!known || (usable && usable(known) !== usable(advert))) this.changed();
  }

  private remove(id: string): void {
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    this.changed();
    this.options.onLost?.(member);
  }

  private sweep(): void {
    const now = this.options.now();
    for (const member of [...this.members.values()]) {
      if (now - member.lastHeartbeat > this.options.staleAfterMs) this.remove(member.id);
    }
  }

  private changed(): void {
    this.list = undefined;
    this.options.onChange?.();
    if (this.members.size > 0) for (const wake of [...this.waiting]) wake();
  }
}
