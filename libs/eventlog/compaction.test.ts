import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compactionPoint,
  compactStream,
  EventArchive,
  HistoryGoneError,
  JetStreamEventLog,
  type LogRecord,
  SnapshotStore,
  subjectMatches,
} from './index.ts';
import { ev } from './test-events.ts';
import { freshLog } from './test-log.ts';

async function collect(records: AsyncIterable<LogRecord>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

const numbers = (records: LogRecord[]) =>
  records.map((r) => (r.kind === 'commit' ? (r.events[0].data as { n: number }).n : -1));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A stream of `n` commits on two subjects (n even on a, odd on b), and its archive. */
async function filledLog(n: number, forget = false) {
  const fresh = await freshLog(server);
  const archive = forget ? null : new EventArchive(fresh.nc, `${fresh.stream}_ARCHIVE`);
  const log = new JetStreamEventLog(fresh.nc, {
    stream: fresh.stream,
    archive: archive ?? new EventArchive(fresh.nc, `${fresh.stream}_ARCHIVE`),
  });
  for (let i = 1; i <= n; i++) await log.append(fresh.subject(i % 2 === 0 ? 'a' : 'b'), [ev('N', { n: i })]);
  return { ...fresh, log, archive };
}

describe('compaction of the event stream into an archive', () => {
  it('moves the range below the cut into the archive; every read of any past range still works', async () => {
    const f = await filledLog(10);
    const jsm = await jetstreamManager(f.nc);
    const result = await compactStream({
      js: jetstream(f.nc),
      jsm,
      stream: f.stream,
      archive: f.archive,
      belowSeq: 7,
    });
    expect(result).toMatchObject({ from: 1, to: 6, commits: 6 });
    expect(result.archivedBytes).toBeGreaterThan(0);
    const info = await jsm.streams.info(f.stream);
    expect(info.state.first_seq).toBe(7);
    expect(info.state.messages).toBe(4);
    expect(numbers(await collect(f.log.read()))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(numbers(await collect(f.log.read({ fromSeq: 3, untilSeq: 5 })))).toEqual([3, 4, 5]);
    expect(numbers(await collect(f.log.read({ filter: f.subject('a'), untilSeq: 8 })))).toEqual([2, 4, 6, 8]);
    // Appends go on after a compaction, and a second one archives the next range.
    await f.log.append(f.subject('a'), [ev('N', { n: 11 })]);
    await compactStream({ js: jetstream(f.nc), jsm, stream: f.stream, archive: f.archive, belowSeq: 10 });
    expect((await f.archive!.segments()).map((s) => [s.from, s.to])).toEqual([
      [1, 6],
      [7, 9],
    ]);
    expect(numbers(await collect(f.log.read({ fromSeq: 5 })))).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('forgetting, when configured, says plainly which range is no longer held', async () => {
    const f = await filledLog(5, true);
    const jsm = await jetstreamManager(f.nc);
    const result = await compactStream({
      js: jetstream(f.nc),
      jsm,
      stream: f.stream,
      archive: null,
      belowSeq: 4,
    });
    expect(result).toMatchObject({ from: 1, to: 3, commits: 3, archivedBytes: 0 });
    const err = await collect(f.log.read()).catch((e) => e);
    expect(err).toBeInstanceOf(HistoryGoneError);
    expect(err.message).toBe(
      'the event log no longer holds sequences 1–3: they were compacted away without an archive',
    );
    expect(numbers(await collect(f.log.read({ fromSeq: 4 })))).toEqual([4, 5]);
  });

  it('the cut is at the oldest of the newest snapshots, which stays; none means no cut', async () => {
    const f = await freshLog(server);
    const snapshots = new SnapshotStore(f.nc, `${f.stream}_SNAP`);
    expect(await compactionPoint(snapshots)).toBeNull();
    await snapshots.save('ns-a', 40, new Uint8Array([1]));
    await snapshots.save('ns-b', 25, new Uint8Array([2]));
    await snapshots.save('ns-a', 60, new Uint8Array([3]));
    expect(await compactionPoint(snapshots)).toBe(25);
  });

  it('matches subjects as NATS does', () => {
    expect(subjectMatches('p.ev.>', 'p.ev.wq.a')).toBe(true);
    expect(subjectMatches('p.ev.>', 'p.ev')).toBe(false);
    expect(subjectMatches('p.*.a', 'p.x.a')).toBe(true);
    expect(subjectMatches('p.*.a', 'p.x.b')).toBe(false);
    expect(subjectMatches('p.a', 'p.a.b')).toBe(false);
  });
});
