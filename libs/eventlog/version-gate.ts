import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { watchBucket } from '@passerine/natsconn';
import { encode, type EventVersions, type Logger, type UnderstoodVersions } from '@passerine/core';

/** What a replica announces: the highest version of each event type it reads, and what it writes now. */
export interface VersionAdvert {
  id: string;
  /** The service the replica belongs to (`store`), for people reading the bucket. */
  role: string;
  lastHeartbeat: number;
  understands: UnderstoodVersions;
  writes: UnderstoodVersions;
}

export interface VersionGateOptions {
  nc: NatsConnection;
  bucket: string;
  /** This replica's key in the bucket (a subject token). */
  id: string;
  role: string;
  versions: EventVersions;
  now: () => number;
  logger: Logger;
  replicas?: number;
  heartbeatMs?: number;
  /** An advert older than this counts as a replica gone (ms). */
  staleAfterMs?: number;
}

/** Keeps adverts the bucket holds after their replica stopped renewing them: garbage collection only. */
const BUCKET_MAX_AGE_MS = 60_000;

/**
 * The version gate: every replica that reads an event family announces what it understands, and
 * a writer writes version n + 1 of an event only once every live replica announces n + 1; until
 * then it writes the newest version all of them read (down to the oldest it can still produce).
 *
 * A replica announces before it reads, so a writer that sees it writes nothing it cannot read.
 * The one gap is the moment before a writer's watch brings a new advert: an event written then
 * may be newer than the newcomer reads, and the newcomer stops applying and says so (never
 * applies it wrongly). The adverts are kept by the same bucket watch as the scheduling protocol's
 * membership view; the gate keeps its own map because it needs every advert's content, stale
 * ones judged when the versions are computed.
 */
export class EventVersionGate {
  private kv?: KV;
  private readonly members = new Map<string, VersionAdvert>();
  private writes: UnderstoodVersions = {};
  private timer?: NodeJS.Timeout;
  private watch?: { stop(): void };
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;

  constructor(private readonly o: VersionGateOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 1_000;
    this.staleAfterMs = o.staleAfterMs ?? 6_000;
    this.writes = this.computeWrites();
  }

  /** Announces this replica, then reads everyone's adverts; resolves once the present ones are known. */
  async start(): Promise<void> {
    const kvm = new Kvm(this.o.nc);
    const settings = { ttl: BUCKET_MAX_AGE_MS, history: 1, replicas: this.o.replicas ?? 1 };
    this.kv = await kvm.create(this.o.bucket, settings).catch(() => kvm.open(this.o.bucket));
    await this.announce();
    // Our own advert is in the bucket, so the watch always brings at least one entry.
    this.watch = await watchBucket<VersionAdvert>(this.kv, {
      put: (key, advert) => this.members.set(key, advert),
      remove: (key) => this.members.delete(key),
      unreadable: (key, err) => this.o.logger.warn({ err, key }, 'unreadable version advert ignored'),
      changed: () => this.recompute(),
    });
    this.recompute();
    this.timer = setInterval(() => {
      this.recompute();
      void this.announce();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** The version of `type` to write now. */
  writeVersion(type: string): number {
    return this.writes[type] ?? this.o.versions.understands(type);
  }

  /** The live replicas' adverts (this one included). */
  live(): VersionAdvert[] {
    const now = this.o.now();
    return [...this.members.values()].filter((m) => now - m.lastHeartbeat <= this.staleAfterMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.watch?.stop();
    await this.kv?.delete(this.o.id).catch(() => undefined);
  }

  private computeWrites(): UnderstoodVersions {
    const own = this.o.versions.announcement();
    const others = this.live().filter((m) => m.id !== this.o.id);
    const writes: Record<string, number> = {};
    for (const [type, understood] of Object.entries(own)) {
      let version = understood;
      for (const m of others) version = Math.min(version, m.understands[type] ?? 1);
      writes[type] = Math.max(version, this.o.versions.lowestWritable(type));
    }
    return writes;
  }

  private recompute(): void {
    const next = this.computeWrites();
    const changed = Object.entries(next).filter(([type, v]) => this.writes[type] !== v);
    if (changed.length === 0) return;
    this.writes = next;
    for (const [type, version] of changed) {
      const behind = this.live().filter((m) => (m.understands[type] ?? 1) < version);
      if (behind.length) {
        // Nothing converts that far down: the replicas behind stop applying and say so.
        this.o.logger.warn(
          { type, version, behind: behind.map((m) => m.id) },
          'replicas cannot read what is written',
        );
      } else {
        this.o.logger.info({ type, version }, 'event version written');
      }
    }
    void this.announce();
  }

  private async announce(): Promise<void> {
    const advert: VersionAdvert = {
      id: this.o.id,
      role: this.o.role,
      lastHeartbeat: this.o.now(),
      understands: this.o.versions.announcement(),
      writes: this.writes,
    };
    await this.kv?.put(this.o.id, encode(advert)).catch((err) => {
      this.o.logger.warn({ err }, 'version advert not renewed');
    });
  }
}
