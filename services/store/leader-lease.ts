import type { KV } from '@nats-io/kv';

/**
 * A leadership lease: one key in a KV bucket whose max age is the lease time. The holder renews
 * with a compare-and-set on the revision; if it stops renewing, the key ages out and another
 * replica's create succeeds. The lease alone does not fence writes — the fenced append on the
 * namespace subject does; the lease only decides who tries.
 */
export class LeaderLease {
  private revision = 0;
  private renewing?: Promise<boolean>;
  /** Why the last renewal failed: taken by another holder, expired, or no answer in time. */
  lostBecause?: string;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly holder: string,
  ) {}

  get held(): boolean {
    return this.revision > 0;
  }

  async tryAcquire(): Promise<boolean> {
    try {
      this.revision = await this.kv.create(this.key, this.holder);
      return true;
    } catch {
      // Someone holds it (or the bucket is unreachable): stay a standby.
      return false;
    }
  }

  /**
   * Renews the lease; false means it was lost (expired and taken, or unreachable). A renewal
   * slower than the ticks that ask for it (a busy connection) is shared by the next ask: two
   * would name the same revision, and the loser would read as a lost lease.
   */
  renew(): Promise<boolean> {
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewOnce(): Promise<boolean> {
    if (!this.revision) return false;
    try {
      this.revision = await this.kv.update(this.key, this.holder, this.revision);
      return true;
    } catch (err) {
      this.revision = 0;
      this.lostBecause = (err as Error).message;
      return false;
    }
  }

  async release(): Promise<void> {
    if (!this.revision) return;
    const revision = this.revision;
    this.revision = 0;
    await this.kv.delete(this.key, { previousSeq: revision }).catch(() => undefined);
  }

  /** Who holds the lease now, if anyone. */
  async holderNow(): Promise<string | null> {
    const entry = await this.kv.get(this.key).catch(() => null);
    if (entry?.operation !== 'PUT') return null;
    return entry.string();
  }
}
