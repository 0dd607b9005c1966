import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { ArchivedMessage, EventArchive } from './archive.ts';
import type { SnapshotStore } from './snapshots.ts';

/** Bytes of commits in one archive segment: a segment is read whole when a replay reaches it. */
const SEGMENT_BYTES = 8 * 1024 ** 2;
const FETCH_COMMITS = 256;

export interface CompactionOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  /** Where the compacted range goes; null forgets it (only when a user configured forgetting). */
  archive: EventArchive | null;
  /** Commits below this sequence leave the stream. */
  belowSeq: number;
}

export interface CompactionResult {
  /** First and last sequence moved (0, 0 when there was nothing below `belowSeq`). */
  from: number;
  to: number;
  commits: number;
  archivedBytes: number;
}

/**
 * Moves the stream's commits below `belowSeq` into the archive, then purges them from the stream,
 * so the stream stays bounded instead of refusing appends. Copy before purge: a compaction cut
 * short leaves the range in both places, never in neither (reads of overlapping segments take each
 * sequence once). An archive full to its limit fails the copy, and the stream keeps the range.
 */
export async function compactStream(o: CompactionOptions): Promise<CompactionResult> {
  const info = await o.jsm.streams.info(o.stream);
  const first = Math.max(1, info.state.first_seq);
  const last = Math.min(o.belowSeq - 1, info.state.last_seq);
  const none = { from: 0, to: 0, commits: 0, archivedBytes: 0 };
  if (info.state.messages === 0 || last < first) return none;
  let commits = 0;
  let archivedBytes = 0;
  if (o.archive) {
    let segment: ArchivedMessage[] = [];
    let bytes = 0;
    for await (const message of rawMessages(o.js, o.stream, first, last)) {
      segment.push(message);
      bytes += message[3].length;
      commits++;
      if (bytes >= SEGMENT_BYTES) {
        archivedBytes += (await o.archive.write(segment)).bytes;
        segment = [];
        bytes = 0;
      }
    }
    if (segment.length > 0) archivedBytes += (await o.archive.write(segment)).bytes;
  } else {
    commits = last - first + 1;
  }
  await o.jsm.streams.purge(o.stream, { seq: last + 1 });
  return { from: first, to: last, commits, archivedBytes };
}

/**
 * Where compaction may cut: at the oldest of the newest snapshots of the projections named
 * `projectionPrefix`…, so a restart of any of them replays only what the stream still holds (any
 * other reader reaches into the archive). The commit a snapshot covers last stays: it may be the
 * last on its namespace's subject, which that namespace's next fenced append names as expected
 * (purged, the append is refused and its leader steps down). Null with no such snapshot.
 */
export async function compactionPoint(
  snapshots: SnapshotStore,
  projectionPrefix = '',
): Promise<number | null> {
  const points = (await snapshots.points()).filter((p) => p.projection.startsWith(projectionPrefix));
  if (points.length === 0) return null;
  return Math.min(...points.map((p) => p.seq));
}

/** The stream's commits from `first` to `last` as stored (bytes untouched). */
export async function* rawMessages(
  js: JetStreamClient,
  stream: string,
  first: number,
  last: number,
): AsyncGenerator<ArchivedMessage> {
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: first,
  });
  try {
    let next = first;
    while (next <= last) {
      const batch = await consumer.fetch({
        max_messages: Math.min(FETCH_COMMITS, last - next + 1),
        expires: 5_000,
      });
      let got = 0;
      for await (const msg of batch) {
        got++;
        if (msg.seq > last) return;
        next = msg.seq + 1;
        yield [msg.seq, msg.subject, Math.floor(msg.info.timestampNanos / 1e6), msg.data];
      }
      if (got === 0) return;
    }
  } finally {
    consumer.delete().catch(() => undefined);
  }
}
