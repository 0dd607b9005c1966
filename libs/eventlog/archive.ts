import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { CorruptError, decode, encode, NotFoundError } from '@passerine/core';
import { decodeCommit } from './commit-codec.ts';
import type { LogRecord } from './types.ts';

/** One archived commit as it was in the stream: the payload bytes are kept, not re-encoded. */
export type ArchivedMessage = [seq: number, subject: string, time: number, payload: Uint8Array];

/** A range of the stream kept in the archive as one object. */
export interface ArchiveSegment {
  name: string;
  from: number;
  to: number;
  bytes: number;
}

export interface EventArchiveOptions {
  /** Largest size of the archive; a compaction that would pass it fails and leaves the stream whole. */
  maxBytes?: number;
  replicas?: number;
}

/** Object names sort as their ranges do: fixed-width sequences. */
const SEQ_DIGITS = 16;
const SEGMENT = /^events-(\d{16})-(\d{16})$/;

export function segmentName(from: number, to: number): string {
  return `events-${String(from).padStart(SEQ_DIGITS, '0')}-${String(to).padStart(SEQ_DIGITS, '0')}`;
}

/** History that is neither in the stream nor in its archive (forgotten on purpose, or lost). */
export class HistoryGoneError extends NotFoundError {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super(
      `the event log no longer holds sequences ${from}–${to}: they were compacted away without an archive`,
      { from, to },
    );
  }
}

/**
 * The event stream's archive: ranges of commits below the newest snapshots, moved out of the
 * stream by compaction so the stream stays bounded, and read back by any replay that reaches
 * below the stream's first sequence. A JetStream object store with its own size limit.
 */
export class EventArchive {
  private storePromise?: Promise<ObjectStore>;

  constructor(
    private readonly nc: NatsConnection,
    readonly bucket: string,
    private readonly options: EventArchiveOptions = {},
  ) {}

  private store(): Promise<ObjectStore> {
    this.storePromise ??= new Objm(this.nc).create(this.bucket, {
      replicas: this.options.replicas ?? 1,
      storage: 'file' as never,
      ...(this.options.maxBytes ? { max_bytes: this.options.maxBytes } : {}),
    });
    return this.storePromise;
  }

  async write(messages: ArchivedMessage[]): Promise<ArchiveSegment> {
    const from = messages[0][0];
    const to = messages[messages.length - 1][0];
    const data = encode(messages);
    const name = segmentName(from, to);
    const store = await this.store();
    await store.putBlob({ name }, data);
    return { name, from, to, bytes: data.length };
  }

  /** Every segment, in sequence order. */
  async segments(): Promise<ArchiveSegment[]> {
    const store = await this.store();
    const out: ArchiveSegment[] = [];
    for (const info of await store.list()) {
      const m = SEGMENT.exec(info.name);
      if (!m || info.deleted) continue;
      out.push({ name: info.name, from: Number(m[1]), to: Number(m[2]), bytes: info.size });
    }
    return out.sort((a, b) => a.from - b.from);
  }

  async bytes(): Promise<number> {
    return (await this.segments()).reduce((n, s) => n + s.bytes, 0);
  }

  async readSegment(segment: ArchiveSegment): Promise<ArchivedMessage[]> {
    const store = await this.store();
    const data = await store.getBlob(segment.name);
    if (!data) throw new CorruptError(`archive segment ${segment.name} is gone`);
    const value = decode(data);
    if (!Array.isArray(value)) throw new CorruptError(`archive segment ${segment.name} is not a list`);
    return value as ArchivedMessage[];
  }

  /**
   * The archived commits from `fromSeq` up to `belowSeq` (exclusive), in order. A range held by
   * no segment throws HistoryGoneError naming it, before anything of the range is yielded past it.
   */
  async *read(
    fromSeq: number,
    belowSeq: number,
    untilSeq = Number.POSITIVE_INFINITY,
  ): AsyncGenerator<LogRecord> {
    let next = fromSeq;
    const last = Math.min(belowSeq - 1, untilSeq);
    for (const segment of await this.segments()) {
      if (next > last) return;
      if (segment.to < next) continue;
      if (segment.from > next) throw new HistoryGoneError(next, Math.min(segment.from - 1, last));
      for (const [seq, subject, time, payload] of await this.readSegment(segment)) {
        // Segments of two compactions may overlap: each sequence is yielded once.
        if (seq < next) continue;
        if (seq > last) return;
        next = seq + 1;
        yield toRecord(seq, subject, time, payload);
      }
    }
    if (next <= last) throw new HistoryGoneError(next, last);
  }
}

function toRecord(seq: number, subject: string, time: number, payload: Uint8Array): LogRecord {
  try {
    return { kind: 'commit', seq, subject, time, events: decodeCommit(payload) };
  } catch (err) {
    return { kind: 'corrupt', seq, subject, time, reason: (err as Error).message };
  }
}
