import { createHash } from 'node:crypto';
import { decode, encode, ValidationError } from '@passerine/core';

/**
 * A backup file: a magic line, then length-prefixed msgpack records — a header, the contents, and
 * an end record carrying the counts and a SHA-256 of every byte before it. Passerine's own format
 * (a tar of JSON would re-encode the commits; these are kept as the bytes the stream held).
 */
export const BACKUP_MAGIC = new TextEncoder().encode('PASSERINE-BACKUP\n');
export const BACKUP_FORMAT = 1;

export interface BackupHeader {
  format: number;
  /** The installation's prefix: every subject inside the commits carries it. */
  prefix: string;
  /** The consistent point: the last stream sequence the backup holds. */
  seq: number;
  /** The stream's first sequence at that point; commits below it came from the archive. */
  streamFirstSeq: number;
  createdAt: number;
}

export type BackupRecord =
  | { k: 'commit'; seq: number; subject: string; time: number; payload: Uint8Array }
  | { k: 'snapshot'; name: string; seq: number; time: number; data: Uint8Array }
  | { k: 'kv'; bucket: string; key: string; value: Uint8Array };

interface EndRecord {
  k: 'end';
  commits: number;
  snapshots: number;
  kv: number;
  sha256: string;
}

export interface BackupContents {
  header: BackupHeader;
  commits: Extract<BackupRecord, { k: 'commit' }>[];
  snapshots: Extract<BackupRecord, { k: 'snapshot' }>[];
  kv: Extract<BackupRecord, { k: 'kv' }>[];
}

function frame(value: unknown): Uint8Array {
  const body = encode(value);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Writes a backup's bytes part by part, so a large log is never one string in memory. */
export class BackupWriter {
  private readonly hash = createHash('sha256');
  private readonly counts = { commits: 0, snapshots: 0, kv: 0 };

  constructor(private readonly out: (bytes: Uint8Array) => void) {}

  private put(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.out(bytes);
  }

  begin(header: BackupHeader): void {
    this.put(BACKUP_MAGIC);
    this.put(frame(header));
  }

  add(record: BackupRecord): void {
    if (record.k === 'commit') this.counts.commits++;
    else if (record.k === 'snapshot') this.counts.snapshots++;
    else this.counts.kv++;
    this.put(frame(record));
  }

  end(): typeof this.counts {
    const end: EndRecord = { k: 'end', ...this.counts, sha256: this.hash.digest('hex') };
    this.out(frame(end));
    return this.counts;
  }
}

const refuse = (why: string) =>
  new ValidationError(`backup refused: ${why}; nothing was restored`, { field: 'file' });

/**
 * Reads and checks a whole backup before anything is restored: a truncated file, one altered, of a
 * newer format or not a backup at all is refused with the reason.
 */
export function readBackup(bytes: Uint8Array): BackupContents {
  const magic = bytes.subarray(0, BACKUP_MAGIC.length);
  if (magic.length < BACKUP_MAGIC.length || !magic.every((b, i) => b === BACKUP_MAGIC[i])) {
    throw refuse('the file is not a Passerine backup');
  }
  let at = BACKUP_MAGIC.length;
  const records: unknown[] = [];
  let end: EndRecord | undefined;
  let endAt = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length)
      throw refuse(`the file is truncated at byte ${bytes.length}, inside a record's length`);
    const length = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    if (at + 4 + length > bytes.length) {
      throw refuse(
        `the file is truncated: record ${records.length + 1} needs ${length} bytes, ${bytes.length - at - 4} are left`,
      );
    }
    let value: unknown;
    try {
      value = decode(bytes.subarray(at + 4, at + 4 + length));
    } catch (err) {
      throw refuse(`record ${records.length + 1} is unreadable (${(err as Error).message})`);
    }
    if ((value as { k?: unknown })?.k === 'end') {
      end = value as EndRecord;
      endAt = at;
      at += 4 + length;
      break;
    }
    records.push(value);
    at += 4 + length;
  }
  const header = records[0] as BackupHeader | undefined;
  if (!header || typeof header.format !== 'number') throw refuse('the file has no header');
  if (header.format > BACKUP_FORMAT) {
    throw refuse(
      `the file is of backup format ${header.format}, newer than this version reads (${BACKUP_FORMAT})`,
    );
  }
  if (!end) throw refuse('the file is truncated: it has no end record');
  if (at !== bytes.length) throw refuse(`${bytes.length - at} bytes follow the end record`);
  const digest = createHash('sha256').update(bytes.subarray(0, endAt)).digest('hex');
  if (digest !== end.sha256) throw refuse('the checksum does not match: the file was altered or damaged');
  const contents: BackupContents = { header, commits: [], snapshots: [], kv: [] };
  for (const r of records.slice(1) as BackupRecord[]) {
    if (r.k === 'commit') contents.commits.push(r);
    else if (r.k === 'snapshot') contents.snapshots.push(r);
    else if (r.k === 'kv') contents.kv.push(r);
    else throw refuse(`a record of unknown kind '${String((r as { k?: unknown }).k)}'`);
  }
  const counted = `${contents.commits.length}/${contents.snapshots.length}/${contents.kv.length}`;
  if (counted !== `${end.commits}/${end.snapshots}/${end.kv}`) {
    throw refuse(
      `the end record counts ${end.commits}/${end.snapshots}/${end.kv} records, the file holds ${counted}`,
    );
  }
  return contents;
}
