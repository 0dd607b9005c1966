import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ConcurrencyError, TooLargeError, UnavailableError } from '@passerine/core';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEventStream, type EventLog, JetStreamEventLog, type LogRecord } from './index.ts';
import { ev } from './test-events.ts';

async function collect(records: AsyncIterable<LogRecord>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

/** The contract every EventLog implementation passes. */
function eventLogContract(
  name: string,
  make: () => Promise<{ log: EventLog; subject: (s: string) => string; filter: string }>,
) {
  describe(`${name} event log contract`, () => {
    it('appends a commit as one message and reads it back', async () => {
      const { log, subject } = await make();
      const a = await log.append(subject('a'), [ev('Added', { n: 1 }), ev('Added', { n: 2 })]);
      const b = await log.append(subject('a'), [ev('Removed', { n: 1 })]);
      expect(b.seq).toBeGreaterThan(a.seq);
      const records = await collect(log.read({ fromSeq: a.seq }));
      expect(records.map((r) => r.kind === 'commit' && r.events.map((e) => e.type))).toEqual([
        ['Added', 'Added'],
        ['Removed'],
      ]);
    });

    it('fences appends on the subject last sequence', async () => {
      const { log, subject } = await make();
      const s = subject('fenced');
      const first = await log.append(s, [ev('A', 1)], { expectedLastSubjectSeq: 0 });
      await log.append(s, [ev('A', 2)], { expectedLastSubjectSeq: first.seq });
      const err = await log.append(s, [ev('A', 3)], { expectedLastSubjectSeq: first.seq }).catch((e) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect((err as ConcurrencyError).expected).toBe(first.seq);
      expect((err as ConcurrencyError).actual).toBe(first.seq + 1);
      expect(await log.lastSubjectSeq(s)).toBe(first.seq + 1);
      expect(await log.lastSubjectSeq(subject('never-written'))).toBe(0);
    });

    it('stores an append with a repeated message id once', async () => {
      const { log, subject } = await make();
      const one = await log.append(subject('idem'), [ev('A', 1)], { msgId: 'cmd-1' });
      const two = await log.append(subject('idem'), [ev('A', 1)], { msgId: 'cmd-1' });
      expect(two.duplicate).toBe(true);
      expect(two.seq).toBe(one.seq);
    });

    it('reads by subject filter, from a sequence, up to a sequence and up to a time', async () => {
      const { log, subject } = await make();
      const x1 = await log.append(subject('x'), [ev('X', 1)]);
      await log.append(subject('y'), [ev('Y', 1)]);
      const x2 = await log.append(subject('x'), [ev('X', 2)]);
      const x3 = await log.append(subject('x'), [ev('X', 3)]);
      const onlyX = await collect(log.read({ filter: subject('x'), fromSeq: x1.seq }));
      expect(onlyX.map((r) => r.seq)).toEqual([x1.seq, x2.seq, x3.seq]);
      const upTo = await collect(log.read({ filter: subject('x'), fromSeq: x1.seq, untilSeq: x2.seq }));
      expect(upTo.map((r) => r.seq)).toEqual([x1.seq, x2.seq]);
      const all = await collect(log.read({ filter: subject('x'), fromSeq: x1.seq }));
      const cut = all[1].time;
      const byTime = await collect(log.read({ filter: subject('x'), fromSeq: x1.seq, untilTime: cut }));
      expect(byTime.every((r) => r.time <= cut)).toBe(true);
      expect(byTime.length).toBeGreaterThanOrEqual(2);
    });

    it('reads nothing, without waiting, from a filter with no events', async () => {
      const { log, subject } = await make();
      expect(await collect(log.read({ filter: subject('empty') }))).toEqual([]);
    });

    it('rejects a commit larger than one message with a clear error', async () => {
      const { log, subject } = await make();
      const big = ev('Big', 'x'.repeat(2 * 1024 * 1024));
      await expect(log.append(subject('big'), [big])).rejects.toBeInstanceOf(TooLargeError);
      await expect(log.append(subject('big'), [big])).rejects.toThrow(/over the .*-byte limit/);
    });
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

eventLogContract('JetStream', async () => {
  const prefix = uniquePrefix();
  const nc = await server.connect();
  const stream = prefix.toUpperCase();
  await ensureEventStream(await jetstreamManager(nc), stream, [`${prefix}.>`]);
  return {
    log: new JetStreamEventLog(nc, { stream }),
    subject: (s) => `${prefix}.${s}`,
    filter: `${prefix}.>`,
  };
});

describe('JetStream event log specifics', () => {
  it('reports a message that is not a commit as corrupt, with its sequence', async () => {
    const prefix = uniquePrefix();
    const nc = await server.connect();
    await ensureEventStream(await jetstreamManager(nc), prefix.toUpperCase(), [`${prefix}.>`]);
    const log = new JetStreamEventLog(nc, { stream: prefix.toUpperCase() });
    const ack = await jetstream(nc).publish(`${prefix}.bad`, new Uint8Array([0xc1, 0xff]));
    const [record] = await collect(log.read({}));
    expect(record).toMatchObject({ kind: 'corrupt', seq: ack.seq });
  });

  it('refuses appends once the stream is full instead of dropping history', async () => {
    const prefix = uniquePrefix();
    const nc = await server.connect();
    await ensureEventStream(await jetstreamManager(nc), prefix.toUpperCase(), [`${prefix}.>`], {
      maxBytes: 4096,
    });
    const log = new JetStreamEventLog(nc, { stream: prefix.toUpperCase() });
    const first = await log.append(`${prefix}.a`, [ev('A', 'y'.repeat(1000))]);
    let error: unknown;
    for (let i = 0; i < 10 && !error; i++) {
      error = await log.append(`${prefix}.a`, [ev('A', 'y'.repeat(1000))]).then(
        () => undefined,
        (e) => e,
      );
    }
    expect((error as Error).message).toMatch(/maximum bytes|resource limits|storage/i);
    const records = await collect(log.read({}));
    expect(records[0].seq).toBe(first.seq);
  });

  it('refuses an append to a subject no stream takes, naming the subject', async () => {
    const prefix = uniquePrefix();
    const nc = await server.connect();
    const log = new JetStreamEventLog(nc, { stream: prefix.toUpperCase() });
    const error = await log.append(`${prefix}.nowhere`, [ev('A', 'x')]).then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(`${prefix}.nowhere`);
  });

  it('reads a large commit that follows many small ones without standing still', async () => {
    // Pulls bounded by bytes left this read waiting for two missed heartbeats (see PULL_COMMITS);
    // the test's own time limit is what fails it then.
    const prefix = uniquePrefix();
    const nc = await server.connect();
    await ensureEventStream(await jetstreamManager(nc), prefix.toUpperCase(), [`${prefix}.>`]);
    const log = new JetStreamEventLog(nc, { stream: prefix.toUpperCase() });
    await Promise.all(Array.from({ length: 1000 }, () => log.append(`${prefix}.a`, [ev('A', 'x')])));
    await log.append(`${prefix}.a`, [ev('A', 'y'.repeat(200_000))]);
    await log.append(`${prefix}.a`, [ev('A', 'x')]);
    const records = await collect(log.read({}));
    expect(records).toHaveLength(1002);
    expect(records.filter((r) => r.kind === 'commit')).toHaveLength(1002);
  });
});
