import { ConcurrencyError, TooLargeError, UnavailableError } from '@passerine/core';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventLog, GroupCommitter, type LogRecord } from './index.ts';
import { ev } from './test-events.ts';
import { freshLog } from './test-log.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function commits(records: AsyncIterable<LogRecord>) {
  const out = [];
  for await (const r of records) if (r.kind === 'commit') out.push(r);
  return out;
}

describe('group commit', () => {
  it('coalesces concurrent appends into fewer messages, each caller getting its own result', async () => {
    const { log, subject } = await freshLog(server);
    const committer = new GroupCommitter(log, subject('g'), { maxInFlight: 1 });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        committer.append([ev('E', { caller: i }), ev('E', { caller: i })]),
      ),
    );
    const stored = await commits(log.read({}));
    expect(stored.length).toBeLessThan(300);
    const events = stored.flatMap((c) =>
      c.events.map((e) => ({ seq: c.seq, caller: (e.data as { caller: number }).caller })),
    );
    expect(events).toHaveLength(600);
    results.forEach((r, i) => {
      const commit = stored.find((c) => c.seq === r.seq)!;
      expect(commit.events[r.index].data).toEqual({ caller: i });
      expect(commit.events[r.index + 1].data).toEqual({ caller: i });
    });
  });

  it('says when every append so far is acknowledged', async () => {
    const { log, subject } = await freshLog(server);
    const committer = new GroupCommitter(log, subject('i'), { maxInFlight: 1 });
    await committer.whenIdle();
    const acknowledged: number[] = [];
    const appends = [1, 2, 3].map((i) => committer.append([ev('E', { i })]).then(() => acknowledged.push(i)));
    expect(committer.idle).toBe(false);
    await committer.whenIdle();
    expect(acknowledged.sort()).toEqual([1, 2, 3]);
    expect(committer.idle).toBe(true);
    await Promise.all(appends);
  });

  it('splits batches at the byte bound', async () => {
    const { log, subject } = await freshLog(server);
    const committer = new GroupCommitter(log, subject('s'), { maxInFlight: 1, maxBytes: 2000 });
    await Promise.all(Array.from({ length: 20 }, () => committer.append([ev('E', 'z'.repeat(500))])));
    const stored = await commits(log.read({}));
    expect(stored.length).toBeGreaterThanOrEqual(7);
    expect(stored.reduce((n, c) => n + c.events.length, 0)).toBe(20);
  });

  it('sends one append over the batch bound alone, and rejects one over the message limit clearly', async () => {
    const { log, subject } = await freshLog(server);
    const committer = new GroupCommitter(log, subject('s'), { maxBytes: 100 });
    const alone = await committer.append([ev('E', 'z'.repeat(500))]);
    expect(alone.index).toBe(0);
    await expect(committer.append([ev('E', 'z'.repeat(2 * 1024 * 1024))])).rejects.toBeInstanceOf(
      TooLargeError,
    );
    const manyEvents = Array.from({ length: 10_001 }, () => ev('E', 1));
    await expect(committer.append(manyEvents)).rejects.toThrow(/over the limit of 10000 events/);
  });

  it('fences: a write by someone else fails the writer with ConcurrencyError until it re-syncs', async () => {
    const { log, subject } = await freshLog(server);
    const s = subject('leader');
    const committer = new GroupCommitter(log, s, { fenced: true, lastSeq: 0 });
    const first = await committer.append([ev('E', 1)]);
    await log.append(s, [ev('Intruder', 1)]);
    await expect(committer.append([ev('E', 2)])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(committer.append([ev('E', 3)])).rejects.toBeInstanceOf(ConcurrencyError);
    committer.reset(await log.lastSubjectSeq(s));
    const after = await committer.append([ev('E', 4)]);
    expect(after.seq).toBe(first.seq + 2);
  });

  it('sends an unanswered fenced commit again: once if the first landed, and the writer carries on', async () => {
    const { log, subject } = await freshLog(server);
    const s = subject('job');
    // The log itself is real; its answers are lost on purpose: the first lands but its ack is
    // dropped, the second never reaches NATS, as when a NATS node dies mid-request.
    let calls = 0;
    const lossy: EventLog = Object.create(log);
    lossy.appendEncoded = async (...args) => {
      calls++;
      if (calls === 1) {
        await log.appendEncoded(...args);
        throw new UnavailableError('append failed: timeout');
      }
      if (calls === 3) throw new UnavailableError('append failed: no responders');
      return log.appendEncoded(...args);
    };
    const committer = new GroupCommitter(lossy, s, { fenced: true, lastSeq: 0, resendUnansweredMs: 10_000 });
    const first = await committer.append([ev('E', 1)]);
    const second = await committer.append([ev('E', 2)]);
    const stored = await commits(log.read({}));
    expect(stored.map((c) => c.events.map((e) => e.data))).toEqual([[1], [2]]);
    expect([first.seq, second.seq]).toEqual(stored.map((c) => c.seq));
    expect(calls).toBe(4);
  });

  it('without a resend window, an unanswered fenced commit fails the writer until it re-syncs', async () => {
    const { log, subject } = await freshLog(server);
    const lossy: EventLog = Object.create(log);
    lossy.appendEncoded = async () => {
      throw new UnavailableError('append failed: timeout');
    };
    const committer = new GroupCommitter(lossy, subject('job'), { fenced: true, lastSeq: 0 });
    await expect(committer.append([ev('E', 1)])).rejects.toBeInstanceOf(UnavailableError);
    await expect(committer.append([ev('E', 2)])).rejects.toBeInstanceOf(UnavailableError);
  });
});
