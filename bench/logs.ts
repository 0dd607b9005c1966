/**
 * npm run bench:logs — what acknowledged task output costs: lines shipped through LogShipper
 * (batched, one acknowledgement per batch, batches of an attempt one after the other) against one
 * acknowledged publish per line, on one nats-server; and that none go missing. Prints one JSON
 * object per result.
 */
import { jetstream } from '@nats-io/jetstream';
import { encode, silentLogger } from '@passerine/core';
import { provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { LogShipper, readLogs } from '@passerine/task-logs';
import { startTestServer } from '@passerine/test-support';
import { print } from './support.ts';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const ATTEMPTS = Number(process.env.BENCH_LOG_ATTEMPTS ?? 16);
const BASELINE_LINES = Number(process.env.BENCH_LOG_BASELINE_LINES ?? 30_000);
const WINDOW = 1000;
const line = (i: number) => `line ${i} of a task's output, about as long as a log line tends to be`;

const server = await startTestServer();
const nc = await server.connect();
const js = jetstream(nc);
const common = { server_version: server.version.text, node: process.version };

// Baseline: one acknowledged publish per line, WINDOW in flight.
{
  const names = createNames('bench-base');
  await provision(nc, names, { logs: { maxBytes: 4 * 1024 ** 3 } });
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < BASELINE_LINES; i++) {
    const data = encode({
      jobId: 'j',
      taskId: `t${i % ATTEMPTS}`,
      stream: 'stdout',
      line: line(i),
      time: Date.now(),
    });
    const p: Promise<unknown> = js.publish(names.taskLogs('j'), data).then(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  print({
    bench: 'logs',
    result: 'baseline',
    acked_lines_per_s: Math.round(BASELINE_LINES / seconds),
    lines: BASELINE_LINES,
    window: WINDOW,
    ...common,
  });
}

// The shipper: ATTEMPTS attempts writing at once, as the tasks of a busy node do.
{
  const names = createNames('bench-ship');
  await provision(nc, names, { logs: { maxBytes: 4 * 1024 ** 3 } });
  const shipper = new LogShipper({
    js,
    names,
    nodeId: 'n1',
    logger: silentLogger(),
    now: () => Date.now(),
    maxLinesPerAttempt: LINES,
    bufferLines: LINES,
    retryMs: 60_000,
  });
  const attempts = Array.from({ length: ATTEMPTS }, (_, i) =>
    shipper.open({ jobId: 'j', taskId: `t${i}`, attemptId: `a${i}` }),
  );
  const started = performance.now();
  for (let i = 0; i < LINES; i++) {
    attempts[i % ATTEMPTS].write(line(i), 'stdout');
    // Output arrives over time, not all in one turn of the event loop.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(attempts.map((a) => a.end(600_000)));
  const seconds = (performance.now() - started) / 1000;
  let stored = 0;
  let batches = 0;
  for await (const batch of readLogs(js, names.logStream, {
    filters: [names.allLogs],
    covering: names.allLogs,
  })) {
    stored += batch.lines.length;
    batches++;
  }
  print({
    bench: 'logs',
    result: 'shipper',
    acked_lines_per_s: Math.round(LINES / seconds),
    lines: LINES,
    attempts: ATTEMPTS,
    stored_lines: stored,
    batches,
    lost: LINES - stored,
    ...common,
  });
}

await nc.close();
await server.stop();
