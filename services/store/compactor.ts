import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@passerine/core';
import { compactionPoint, compactStream, type EventArchive, type SnapshotStore } from '@passerine/eventlog';

export interface CompactorOptions {
  nc: NatsConnection;
  stream: string;
  snapshots: SnapshotStore;
  /** Where compacted history goes; null forgets it (a user's choice, never the default). */
  archive: EventArchive | null;
  /** The stream is compacted once it holds more than this. */
  aboveBytes: number;
  /** Whether this replica compacts now (it leads a namespace: one replica is enough). */
  active: () => boolean;
  /** Asks the namespaces this replica leads for a snapshot soon: compaction stops at the oldest. */
  wantSnapshots: () => void;
  logger: Logger;
}

/** How often a store replica looks at the stream's size: growth past the mark waits at most this. */
export const COMPACT_CHECK_MS = 5_000;

/**
 * Keeps the event stream bounded: when it holds more than `aboveBytes`, the history below the
 * oldest of the namespaces' newest snapshots moves into the archive. Replicas that lead several
 * namespaces may both compact; the second finds the range gone or copies it again (reads take each
 * sequence once), so nothing needs electing.
 */
export class Compactor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly o: CompactorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), COMPACT_CHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  check(): Promise<void> {
    if (this.running || !this.o.active()) return this.running ?? Promise.resolve();
    this.running = this.compactIfDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async compactIfDue(): Promise<void> {
    try {
      const jsm = await jetstreamManager(this.o.nc);
      const info = await jsm.streams.info(this.o.stream);
      if (info.state.bytes <= this.o.aboveBytes) return;
      // Under sustained load a large namespace's next snapshot may be further off than the
      // stream's room; this compaction moves what it can, the next one what those snapshots allow.
      this.o.wantSnapshots();
      const belowSeq = await compactionPoint(this.o.snapshots, 'workqueue-');
      if (belowSeq === null) return;
      const result = await compactStream({
        js: jetstream(this.o.nc),
        jsm,
        stream: this.o.stream,
        archive: this.o.archive,
        belowSeq,
      });
      if (result.commits > 0) this.o.logger.info(result, 'event stream compacted');
    } catch (err) {
      this.o.logger.warn({ err }, 'event stream compaction failed; the stream keeps its history');
    }
  }
}
