import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { EventArchive } from './archive.ts';
import { readStream } from './stream-reader.ts';
import type { LogRecord, ReadOptions } from './types.ts';

/** NATS subject matching (`*` one token, `>` the rest), for reads of archived commits. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/**
 * A read that begins below the stream's first sequence takes that range from the archive, then
 * goes on in the stream. A compaction that runs between the two moves only history below the
 * newest snapshots, which live readers have passed long before.
 */
export async function* readThroughArchive(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  archive: EventArchive,
  options: ReadOptions,
): AsyncGenerator<LogRecord> {
  const from = Math.max(1, options.fromSeq ?? 1);
  const first = (await jsm.streams.info(stream)).state.first_seq;
  if (first > from) {
    for await (const record of archive.read(from, first, options.untilSeq)) {
      if (options.signal?.aborted) return;
      if (options.untilTime !== undefined && record.time > options.untilTime) return;
      if (options.filter && !subjectMatches(options.filter, record.subject)) continue;
      yield record;
    }
    if (options.untilSeq !== undefined && options.untilSeq < first) {
      options.onCaughtUp?.();
      return;
    }
  }
  yield* readStream(js, stream, { ...options, fromSeq: Math.max(from, first) });
}
