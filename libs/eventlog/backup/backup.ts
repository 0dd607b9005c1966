import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { IllegalStateError, UnavailableError, ValidationError } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import { type ArchivedMessage, EventArchive } from '../archive.ts';
import { rawMessages } from '../compaction.ts';
import { provision } from '../provision.ts';
import { SnapshotStore } from '../snapshots.ts';
import { BACKUP_FORMAT, type BackupContents, BackupWriter, readBackup } from './backup-format.ts';

export interface BackupSummary {
  seq: number;
  commits: number;
  snapshots: number;
  kv: number;
}

/** Archived commits written per segment on restore (as compaction would have cut them). */
const RESTORE_SEGMENT_COMMITS = 10_000;
/** Appends on their way at once while a restore refills the stream. */
const RESTORE_WINDOW = 256;

/**
 * A consistent point of an installation: its snapshots (each with the sequence it covers), every
 * commit the log still holds up to the stream's last sequence (archive and stream), and the
 * namespace registry and the cordons. Task output (the logs stream) and membership, which expire anyway, are not in it.
 */
export async function createBackup(
  nc: NatsConnection,
  names: Names,
  out: (bytes: Uint8Array) => void,
  now = Date.now(),
): Promise<BackupSummary> {
  const jsm = await jetstreamManager(nc);
  const snapshots = new SnapshotStore(nc, names.snapshotBucket);
  const taken = [];
  for (const point of await snapshots.points()) {
    const snapshot = await snapshots.load(point.projection);
    if (snapshot) taken.push({ name: point.projection, ...snapshot });
  }
  // Read after the snapshots: every one of them covers a sequence at or below this point.
  const info = await jsm.streams.info(names.eventStream);
  const seq = info.state.last_seq;
  const streamFirstSeq = info.state.messages === 0 ? seq + 1 : info.state.first_seq;
  const writer = new BackupWriter(out);
  writer.begin({ format: BACKUP_FORMAT, prefix: names.prefix, seq, streamFirstSeq, createdAt: now });
  const archive = new EventArchive(nc, names.archiveBucket);
  let next = 1;
  for (const segment of await archive.segments()) {
    if (segment.to < next || segment.from >= streamFirstSeq) continue;
    for (const [s, subject, time, payload] of await archive.readSegment(segment)) {
      if (s < next || s >= streamFirstSeq) continue;
      writer.add({ k: 'commit', seq: s, subject, time, payload });
      next = s + 1;
    }
  }
  next = streamFirstSeq;
  if (seq >= streamFirstSeq) {
    for await (const [s, subject, time, payload] of rawMessages(
      jetstream(nc),
      names.eventStream,
      streamFirstSeq,
      seq,
    )) {
      if (s !== next) {
        throw new UnavailableError(
          `the stream moved on during the backup (sequence ${next} was compacted away); run the backup again`,
        );
      }
      writer.add({ k: 'commit', seq: s, subject, time, payload });
      next = s + 1;
    }
  }
  if (next !== seq + 1)
    throw new UnavailableError(`the backup read the stream up to ${next - 1} of ${seq}; run it again`);
  for (const s of taken) writer.add({ k: 'snapshot', name: s.name, seq: s.seq, time: s.time, data: s.data });
  for (const [label, bucket] of Object.entries(keptBuckets(names))) {
    const kv = await new Kvm(nc).create(bucket, { history: 1 });
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      if (entry?.operation === 'PUT') writer.add({ k: 'kv', bucket: label, key, value: entry.value });
    }
  }
  return { seq, ...writer.end() };
}

/**
 * The KV buckets a backup keeps, by the label it stores them under: the namespaces the stores open
 * and the nodes an operator took out of service. Leases and adverts expire, so they are not kept.
 */
function keptBuckets(names: Names): Record<string, string> {
  return { namespaces: names.namespaceBucket, cordons: names.cordonBucket };
}

/** Refuses unless the target has no history and no snapshots: a restore never merges. */
async function requireFresh(nc: NatsConnection, names: Names): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    const info = await jsm.streams.info(names.eventStream);
    if (info.state.last_seq > 0) {
      throw new IllegalStateError(
        `backup refused: this instance is not fresh, its stream ${names.eventStream} holds commits up to ${info.state.last_seq}; nothing was restored`,
      );
    }
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
  if ((await new SnapshotStore(nc, names.snapshotBucket).points()).length > 0) {
    throw new IllegalStateError(`backup refused: this instance already has snapshots; nothing was restored`);
  }
}

export async function restoreBackup(
  nc: NatsConnection,
  names: Names,
  bytes: Uint8Array,
): Promise<BackupSummary> {
  const contents = readBackup(bytes);
  const { header } = contents;
  if (header.prefix !== names.prefix) {
    throw new ValidationError(
      `backup refused: the file is of installation '${header.prefix}', this one is '${names.prefix}' (another cluster's backup, or the wrong --prefix); nothing was restored`,
      { field: 'prefix' },
    );
  }
  await requireFresh(nc, names);
  await provision(nc, names);
  const jsm = await jetstreamManager(nc);
  if (header.streamFirstSeq > 1) await jsm.streams.purge(names.eventStream, { seq: header.streamFirstSeq });
  await restoreArchived(nc, names, contents);
  await restoreStream(nc, contents);
  const snapshots = new SnapshotStore(nc, names.snapshotBucket);
  for (const s of contents.snapshots) await snapshots.save(s.name, s.seq, s.data, s.time);
  const buckets = keptBuckets(names);
  for (const entry of contents.kv) {
    const bucket = buckets[entry.bucket];
    if (bucket) await (await new Kvm(nc).create(bucket, { history: 1 })).put(entry.key, entry.value);
  }
  return {
    seq: header.seq,
    commits: contents.commits.length,
    snapshots: contents.snapshots.length,
    kv: contents.kv.length,
  };
}

async function restoreArchived(nc: NatsConnection, names: Names, contents: BackupContents): Promise<void> {
  const archived = contents.commits.filter((c) => c.seq < contents.header.streamFirstSeq);
  if (archived.length === 0) return;
  const archive = new EventArchive(nc, names.archiveBucket);
  for (let i = 0; i < archived.length; i += RESTORE_SEGMENT_COMMITS) {
    const part = archived.slice(i, i + RESTORE_SEGMENT_COMMITS);
    await archive.write(part.map((c): ArchivedMessage => [c.seq, c.subject, c.time, c.payload]));
  }
}

/** Appends the stream's part at the sequences it had, in order. */
async function restoreStream(nc: NatsConnection, contents: BackupContents): Promise<void> {
  const js = jetstream(nc);
  const commits = contents.commits.filter((c) => c.seq >= contents.header.streamFirstSeq);
  let window: Promise<unknown>[] = [];
  for (const c of commits) {
    // Each ack is checked instead of an expected last sequence: nats-server 2.9 compares that with
    // the wrong number after a purge set where the stream begins.
    window.push(
      js.publish(c.subject, c.payload).then((ack) => {
        if (ack.seq !== c.seq) throw new UnavailableError(`restore wrote sequence ${c.seq} as ${ack.seq}`);
      }),
    );
    if (window.length >= RESTORE_WINDOW) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
}
