import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { silentLogger } from '@passerine/core';
import { provision } from '@passerine/eventlog';
import { createNames, type Names } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  droppedNotices,
  jobLogSource,
  type LogBatch,
  type LogShipperLimits,
  LogShipper,
  LogView,
  readLogs,
  unitLogSource,
} from './index.ts';

let server: TestServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect();
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const limits: LogShipperLimits = { maxLinesPerAttempt: 1_000, bufferLines: 10_000, retryMs: 30_000 };

function shipper(names: Names, given: Partial<LogShipperLimits> = {}, nodeId = 'n1') {
  return new LogShipper({
    js: jetstream(nc),
    names,
    nodeId,
    logger: silentLogger(),
    now: () => Date.now(),
    ...limits,
    ...given,
  });
}

async function stored(names: Names, filters = [names.allLogs]): Promise<LogBatch[]> {
  const out: LogBatch[] = [];
  for await (const batch of readLogs(jetstream(nc), names.logStream, { filters, covering: names.allLogs }))
    out.push(batch);
  return out;
}

describe('log shipper', () => {
  it('stores every line of many attempts, acknowledged, in batches, each attempt in order', async () => {
    const names = createNames(uniquePrefix());
    await provision(nc, names);
    const logs = shipper(names);
    const attempts = Array.from({ length: 5 }, (_, i) =>
      logs.open({ jobId: 'j1', taskId: `t${i}`, attemptId: `a${i}` }),
    );
    for (let n = 0; n < 2_000; n++) attempts[n % 5].write(`line ${n}`, n % 7 === 0 ? 'stderr' : 'stdout');
    await Promise.all(attempts.map((a) => a.end(10_000)));
    expect(logs.held).toBe(0);
    const batches = await stored(names);
    expect(batches.length).toBeLessThan(2_000);
    const view = new LogView(jobLogSource(['j1']));
    const shown = batches.flatMap((b) => view.lines(b));
    expect(shown).toHaveLength(2_000);
    for (let i = 0; i < 5; i++) {
      const mine = shown.filter((l) => l.taskId === `t${i}`).map((l) => Number(l.line.split(' ')[1]));
      expect(mine).toEqual(Array.from({ length: 400 }, (_, k) => k * 5 + i));
    }
    expect(shown.every((l) => l.nodeId === 'n1' && l.attempt === 1)).toBe(true);
  });

  it("counts the lines past an attempt's line limit and says which bound dropped them", async () => {
    const names = createNames(uniquePrefix());
    await provision(nc, names);
    const log = shipper(names, { maxLinesPerAttempt: 3 }).open({ jobId: 'j', taskId: 't', attemptId: 'a' });
    for (let n = 0; n < 10; n++) log.write(`l${n}`, 'stdout');
    await log.end(10_000);
    const batches = await stored(names);
    expect(batches.flatMap((b) => b.lines.map((l) => l.line))).toEqual(['l0', 'l1', 'l2']);
    const notices = batches.flatMap((b) => droppedNotices(b));
    expect(notices).toEqual([
      "[passerine] 7 lines dropped: the attempt's line limit (PASSERINE_TASK_MAX_OUTPUT_LINES)",
    ]);
  });

  it('holds lines while the stream does not acknowledge, up to its buffer, and sends them once it does', async () => {
    const names = createNames(uniquePrefix());
    // No stream yet: every publish goes unacknowledged and is retried.
    const logs = shipper(names, { bufferLines: 50, batchLines: 10 });
    const log = logs.open({ jobId: 'j', taskId: 't', attemptId: 'a' });
    for (let n = 0; n < 80; n++) log.write(`l${n}`, 'stdout');
    expect(logs.held).toBe(50);
    await provision(nc, names);
    await log.end(20_000);
    await waitFor(() => logs.held === 0, { message: 'held lines acknowledged', timeoutMs: 20_000 });
    const batches = await stored(names);
    expect(batches.flatMap((b) => b.lines.map((l) => l.line))).toEqual(
      Array.from({ length: 50 }, (_, n) => `l${n}`),
    );
    expect(batches.flatMap((b) => droppedNotices(b))).toEqual([
      "[passerine] 30 lines dropped: the node's log buffer (PASSERINE_LOG_BUFFER_LINES)",
    ]);
  });

  it('counts a batch the stream never acknowledged within the retry deadline', async () => {
    const names = createNames(uniquePrefix());
    const logs = shipper(names, { retryMs: 300, ackTimeoutMs: 100 });
    const log = logs.open({ jobId: 'j', taskId: 't', attemptId: 'a' });
    log.write('lost', 'stdout');
    await waitFor(() => logs.held === 0, { message: 'the batch given up', timeoutMs: 10_000 });
    await provision(nc, names);
    log.write('kept', 'stdout');
    await log.end(10_000);
    const batches = await stored(names);
    expect(batches.flatMap((b) => b.lines.map((l) => l.line))).toEqual(['kept']);
    expect(droppedNotices(batches[0])).toEqual([
      '[passerine] 1 lines dropped: the logs stream did not acknowledge them in time (PASSERINE_LOG_RETRY_MS)',
    ]);
  });

  it('files a unit task under its job and its spec and key, so both find it', async () => {
    const names = createNames(uniquePrefix());
    await provision(nc, names);
    const logs = shipper(names);
    const unit = { namespace: 'ns', spec: 'resize', key: 'img/7.png' };
    const first = logs.open({ jobId: 'pump-1', taskId: 'u0', attemptId: 'a1', unit });
    first.write('first try', 'stdout');
    const other = logs.open({
      jobId: 'pump-1',
      taskId: 'u1',
      attemptId: 'a2',
      unit: { ...unit, key: 'img/8.png' },
    });
    other.write('another unit', 'stdout');
    const retry = logs.open({ jobId: 'pump-2', taskId: 'u0', attemptId: 'a3', unit });
    retry.write('second try', 'stderr');
    await Promise.all([first.end(10_000), other.end(10_000), retry.end(10_000)]);

    const source = unitLogSource(unit);
    const view = new LogView(source);
    const shown = (await stored(names, source.filters(names))).flatMap((b) => view.lines(b));
    expect(shown.map((l) => [l.attempt, l.line])).toEqual([
      [1, 'first try'],
      [2, 'second try'],
    ]);
    const second = new LogView(source, { attempt: 2 });
    expect((await stored(names, source.filters(names))).flatMap((b) => second.lines(b))).toHaveLength(1);
    const job = jobLogSource(['pump-1']);
    expect((await stored(names, job.filters(names))).flatMap((b) => new LogView(job).lines(b))).toHaveLength(
      2,
    );
  });

  it('keeps the logs stream bounded: past its size the oldest lines go, new ones are taken', async () => {
    const names = createNames(uniquePrefix());
    await provision(nc, names, { logs: { maxBytes: 64 * 1024 } });
    const logs = shipper(names, { batchLines: 1 });
    const log = logs.open({ jobId: 'j', taskId: 't', attemptId: 'a' });
    for (let n = 0; n < 200; n++) log.write(`${n} ${'x'.repeat(1_000)}`, 'stdout');
    await log.end(20_000);
    const info = await (await jetstreamManager(nc)).streams.info(names.logStream);
    expect(info.state.bytes).toBeLessThanOrEqual(64 * 1024);
    const lines = (await stored(names)).flatMap((b) => b.lines.map((l) => l.line));
    expect(lines.at(-1)).toMatch(/^199 /);
    expect(lines.length).toBeLessThan(200);
  });
});
