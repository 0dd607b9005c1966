import { jetstreamManager } from '@nats-io/jetstream';
import { announceDataset, listRuns } from '@passerine/batch-protocol';
import { randomIdSource } from '@passerine/core';
import { provision } from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchRig, tickRuns } from './batch-rig.ts';

const everySecond = (name: string) =>
  `name: ${name}\nrunner: shell\ncommand: echo {tick}\nschedule: { cron: "* * * * * *", missed: skip }\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the dispatcher, two replicas at once', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: BatchRig;

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    rig = new BatchRig(server, nc);
    await rig.start(2, 4);
    await Promise.all([rig.startDispatcher(), rig.startDispatcher()]);
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
  });

  /** Every run of the job succeeded (none is left running or lost on its way). */
  async function allSucceeded(job: string, count: number) {
    await waitFor(
      async () => {
        const { runs } = await listRuns(nc, rig.names, { job, limit: 1_000 });
        return runs.length === count && runs.every((r) => r.status === 'succeeded');
      },
      { timeoutMs: 30_000, message: `the ${count} runs of ${job} succeeded` },
    );
  }

  it('dispatches a cron job every second for 10 s: exactly one run per tick', async () => {
    expect((await rig.apply({ 'tick.yaml': everySecond('tick') })).code).toBe(0);
    const started = Date.now();
    await sleep(10_000);
    expect((await rig.apply({})).stdout).toMatch(/retired tick/);
    const stopped = Date.now();
    await sleep(500);
    const { ticks, decisions, notDispatched } = tickRuns(await rig.admissions('tick'));
    expect(notDispatched).toBe(0);
    expect(decisions).toBe(ticks.length);
    // Every second between the first and the last tick, none missing.
    expect(ticks.length).toBe((ticks[ticks.length - 1] - ticks[0]) / 1000 + 1);
    expect(ticks[0]).toBeLessThanOrEqual(started + 3_000);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(stopped - 3_000);
    await allSucceeded('tick', ticks.length);
    // What the runs wrote is read back through the CLI.
    const runId = `tick@${new Date(ticks[0]).toISOString()}`;
    const logs = await rig.cli(['jobs', 'logs', `run:${runId}#1`]);
    expect(logs.stdout).toContain(new Date(ticks[0]).toISOString());
  }, 150_000);

  it('loses and doubles no tick when one dispatcher is killed mid-schedule', async () => {
    expect((await rig.apply({ 'survivor.yaml': everySecond('survivor') })).code).toBe(0);
    await sleep(4_000);
    const victim = rig.dispatchers[0];
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killed = Date.now();
    await sleep(5_000);
    await rig.apply({});
    await sleep(500);
    const { ticks, decisions, notDispatched } = tickRuns(await rig.admissions('survivor'));
    expect(notDispatched).toBe(0);
    expect(decisions).toBe(ticks.length);
    expect(ticks.length).toBe((ticks[ticks.length - 1] - ticks[0]) / 1000 + 1);
    expect(ticks[0]).toBeLessThan(killed - 2_000);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(killed + 3_000);
    await allSucceeded('survivor', ticks.length);
  }, 150_000);

  it('runs a triggered job once per partition, its data sets announced out of order, twice, past the de-duplication window', async () => {
    const files = {
      'clicks.yaml': 'kind: dataset\nname: clicks\n',
      'views.yaml': 'kind: dataset\nname: views\n',
      'joined.yaml': 'name: joined\nrunner: shell\ncommand: echo {partition}\ntriggers: [clicks, views]\n',
    };
    expect((await rig.apply(files)).code).toBe(0);
    // The first announcement through the CLI, the others through the API it calls.
    const announced = await rig.cli(['datasets', 'announce', 'views', '2026-11-22']);
    expect(announced.stdout).toContain('announced views 2026-11-22');
    const announce = (dataset: string, partition: string) =>
      announceDataset(rig.log, rig.names, dataset, partition, { now: Date.now(), ids: randomIdSource() });
    const decided = async (partition: string) =>
      (await rig.admissions('joined')).filter((e) => e.data.partition === partition);
    await announce('clicks', '2026-11-23');
    await announce('clicks', '2026-11-22');
    await waitFor(async () => (await decided('2026-11-22')).length > 0, {
      message: 'partition 2026-11-22 run',
    });
    expect(await decided('2026-11-23')).toEqual([]);

    // A de-duplication window of one second on the event stream, then past it: the same
    // announcements again, to the dispatchers running and to one started afresh.
    await provision(nc, rig.names, { events: { duplicateWindowMs: 1_000 } });
    const info = await (await jetstreamManager(nc)).streams.info(rig.names.eventStream);
    expect(info.config.duplicate_window).toBe(1_000_000_000);
    await sleep(1_500);
    await rig.startDispatcher();
    await announce('clicks', '2026-11-22');
    await announce('views', '2026-11-22');
    await announce('views', '2026-11-23');
    await waitFor(async () => (await decided('2026-11-23')).length > 0, {
      message: 'partition 2026-11-23 run',
    });
    await sleep(1_000);
    for (const partition of ['2026-11-22', '2026-11-23']) {
      expect((await decided(partition)).map((e) => e.type)).toEqual(['RunDispatched']);
    }
    await allSucceeded('joined', 2);
  }, 180_000);
});
