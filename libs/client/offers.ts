import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { watchBucket } from '@passerine/natsconn';
import { addResources, type Labels, type Resources, subtractResources } from '@passerine/scheduling';
import { type NodeAdvert, openMembershipBucket } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';

/** A node monitor as a placement hook sees it (Satyr's offer): what it has free now, and its load. */
export interface NodeOffer {
  nodeId: string;
  slots: number;
  freeSlots: number;
  capacity: Resources;
  free: Resources;
  labels: Labels;
  load: { running: number; queueLength: number };
}

/** An advert older than this is taken for a node that died (frontends judge by their own setting). */
const STALE_AFTER_MS = 5_000;

interface Promised {
  at: number;
  resources: Resources;
  ended: () => boolean;
}

/**
 * The node monitors' adverts, kept by a watch of their bucket, as offers: less what this client
 * placed on a node since its last advert (which does not show those tasks yet).
 */
export class NodeOffers {
  private readonly adverts = new Map<string, NodeAdvert>();
  private readonly promised = new Map<string, Promised[]>();
  private readonly listeners = new Set<() => void>();
  private watch?: { stop(): void };
  private started?: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
  ) {}

  /** Opens the watch (once); resolves when the adverts present have been read. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const bucket: KV = await openMembershipBucket(this.nc, this.names.nodeBucket);
      this.watch = await watchBucket<NodeAdvert>(bucket, {
        put: (_key, advert) => this.adverts.set(advert.id, advert),
        remove: (key) => this.adverts.delete(key),
        changed: () => {
          for (const listener of this.listeners) listener();
        },
      });
    })();
    return this.started;
  }

  stop(): void {
    this.watch?.stop();
    this.listeners.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Offers of the live nodes, now. */
  current(now = Date.now()): NodeOffer[] {
    const offers: NodeOffer[] = [];
    for (const advert of this.adverts.values()) {
      if (now - advert.lastHeartbeat > STALE_AFTER_MS) continue;
      let free = advert.free;
      let freeSlots = advert.freeSlots;
      const promised = (this.promised.get(advert.id) ?? []).filter((p) => !p.ended());
      this.promised.set(advert.id, promised);
      for (const p of promised) {
        if (p.at < advert.lastHeartbeat) continue;
        free = subtractResources(free, p.resources);
        freeSlots--;
      }
      offers.push({
        nodeId: advert.id,
        slots: advert.slots,
        freeSlots: Math.max(0, freeSlots),
        capacity: advert.capacity,
        free,
        labels: advert.labels,
        load: { running: advert.slots - advert.freeSlots, queueLength: advert.queueLength },
      });
    }
    return offers;
  }

  /** Counts a task placed on a node until its advert shows it (or the task ends). */
  promise(nodeId: string, resources: Resources, ended: () => boolean): void {
    const list = this.promised.get(nodeId) ?? [];
    list.push({
      at: Date.now(),
      resources: addResources(resources, { cpus: 0, memMb: 0, diskMb: 0 }),
      ended,
    });
    this.promised.set(nodeId, list);
  }
}
