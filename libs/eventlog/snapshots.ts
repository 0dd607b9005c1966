import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { CorruptError } from '@passerine/core';

export interface Snapshot {
  /** Last stream sequence the snapshot covers: replay resumes after it. */
  seq: number;
  /** When it was taken (ms). */
  time: number;
  data: Uint8Array;
}

/**
 * Snapshots of projections in a JetStream object store, one object per projection, replaced by
 * each newer snapshot. The sequence travels in the object's headers so it is read before the data.
 */
export class SnapshotStore {
  private storePromise?: Promise<ObjectStore>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
    private readonly replicas = 1,
  ) {}

  private store(): Promise<ObjectStore> {
    this.storePromise ??= new Objm(this.nc).create(this.bucket, {
      replicas: this.replicas,
      storage: 'file' as never,
    });
    return this.storePromise;
  }

  /** Creates the bucket now, with this store's replicas: whoever creates it first sets them. */
  async open(): Promise<void> {
    await this.store();
  }

  async save(projection: string, seq: number, data: Uint8Array, time = Date.now()): Promise<void> {
    const store = await this.store();
    await store.putBlob({ name: projection, description: JSON.stringify({ seq, time }) }, data);
  }

  async load(projection: string): Promise<Snapshot | null> {
    const store = await this.store();
    const info = await store.info(projection);
    if (!info || info.deleted) return null;
    let meta: { seq: number; time: number };
    try {
      meta = JSON.parse(info.description ?? '');
    } catch {
      throw new CorruptError(`snapshot ${projection} has no readable sequence`);
    }
    const data = await store.getBlob(projection);
    if (!data) return null;
    return { seq: meta.seq, time: meta.time, data };
  }

  /** The sequence each projection's newest snapshot covers. */
  async points(): Promise<Array<{ projection: string; seq: number }>> {
    const store = await this.store();
    const out: Array<{ projection: string; seq: number }> = [];
    for (const info of await store.list()) {
      if (info.deleted) continue;
      try {
        const meta = JSON.parse(info.description ?? '') as { seq?: unknown };
        if (typeof meta.seq === 'number') out.push({ projection: info.name, seq: meta.seq });
      } catch {
        // Not a snapshot of ours: it does not hold compaction back.
      }
    }
    return out;
  }
}
