import { UnavailableError } from '@passerine/core';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCurrent, readThrough } from './index.ts';
import { ev } from './test-events.ts';
import { freshLog } from './test-log.ts';
import type { EventLog, LogRecord } from './types.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/**
 * The log as a follower still catching up serves it: its reads end at `storedThrough` (the leader
 * answers lastSubjectSeq with all it holds), until it has served `staleReads` of them.
 */
function behindTheLeader(
  log: EventLog,
  storedThrough: number,
  staleReads: number,
): EventLog & { reads: number } {
  const lagging = Object.create(log) as EventLog & { reads: number };
  lagging.reads = 0;
  lagging.read = (options) => {
    const stale = lagging.reads++ < staleReads;
    return (async function* () {
      for await (const record of log.read(options)) {
        if (stale && record.seq > storedThrough) return;
        yield record;
      }
    })();
  };
  return lagging;
}

async function collect(records: AsyncIterable<LogRecord>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const record of records) seqs.push(record.seq);
  return seqs;
}

async function threeCommits() {
  const { nc, log, subject } = await freshLog(server);
  const seqs: number[] = [];
  for (const n of [1, 2, 3]) seqs.push((await log.append(subject('job.a'), [ev('Step', { n })])).seq);
  await log.append(subject('other'), [ev('Elsewhere', {})]);
  return { nc, log, subject, seqs };
}

describe('a read through what the leader holds', () => {
  it('takes a read that ended short up again until it has the last commit the leader reported', async () => {
    const { nc, log, subject, seqs } = await threeCommits();
    const lagging = behindTheLeader(log, seqs[0], 2);
    const filter = subject('job.a');
    const throughSeq = await lagging.lastSubjectSeq(filter);
    expect(throughSeq).toBe(seqs[2]);
    // What a plain read of that replica returns: the last two commits missing.
    expect(await collect(behindTheLeader(log, seqs[0], 1).read({ filter }))).toEqual([seqs[0]]);
    expect(await collect(readThrough(lagging, { filter, throughSeq }))).toEqual(seqs);
    expect(lagging.reads).toBe(3);
    await nc.close();
  });

  it('fails as unavailable, naming the sequence, when the replica does not catch up in time', async () => {
    const { nc, log, subject, seqs } = await threeCommits();
    const lagging = behindTheLeader(log, seqs[1], Number.POSITIVE_INFINITY);
    const read = readThrough(lagging, { filter: subject('job.a'), throughSeq: seqs[2], patienceMs: 200 });
    const seen: number[] = [];
    const failure = (async () => {
      for await (const record of read) seen.push(record.seq);
    })();
    await expect(failure).rejects.toThrow(UnavailableError);
    await expect(failure).rejects.toThrow(`has not stored sequence ${seqs[2]} within 200 ms`);
    // Each commit once, however many times the read was taken up again.
    expect(seen).toEqual(seqs.slice(0, 2));
    await nc.close();
  });

  it('reads every current commit on a filter, and none where the leader holds none', async () => {
    const { nc, log, subject, seqs } = await threeCommits();
    expect(
      await collect(readCurrent(behindTheLeader(log, seqs[0], 1), { filter: subject('job.*') })),
    ).toEqual(seqs);
    expect(await collect(readCurrent(log, { filter: subject('job.never') }))).toEqual([]);
    await nc.close();
  });
});
