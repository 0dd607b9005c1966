import type { AdmissionEvent } from '@passerine/batch';
import { parseDefinitionFile } from '@passerine/batch';
import { applyDefinitions } from '@passerine/batch-protocol';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from './dispatcher.ts';

describe('a dispatcher started after downtime', () => {
  let server: TestServer;
  let nc: NatsConnection;
  const names = createNames(uniquePrefix('dt'));
  const ids = randomIdSource();

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    await provision(nc, names);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('runs the newest missed tick under `missed: once` and none under `skip`, then every tick on time', async () => {
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    const job = (name: string, missed: string) =>
      parseDefinitionFile(
        `${name}.yaml`,
        `name: ${name}\nrunner: shell\ncommand: "true"\nschedule: { cron: "* * * * * *", missed: ${missed} }\n`,
      );
    await applyDefinitions(nc, log, names, [job('once', 'once'), job('skip', 'skip')], {
      now: Date.now(),
      ids,
    });
    // Nobody dispatches for three seconds: with a grace of half a second, those ticks are missed.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const ctx = { nc, names, logger: silentLogger(), clock: systemClock, ids };
    const dispatcher = new Dispatcher(ctx, { graceMs: 500, tickMs: 50 });
    const started = Date.now();
    await dispatcher.start();
    /** Each decision's tick and the time it was decided at. */
    const decisions = async (name: string) => {
      const found: { tick: number; at: number }[] = [];
      for await (const record of log.read({ filter: names.batchAdmissions(name) })) {
        if (record.kind !== 'commit') continue;
        for (const e of record.events as unknown as (AdmissionEvent & { time: number })[]) {
          found.push({ tick: e.data.tick!, at: e.time });
        }
      }
      return found;
    };
    const ticksOf = async (name: string) => (await decisions(name)).map((d) => d.tick);
    await waitFor(async () => (await ticksOf('skip')).length >= 2 && (await ticksOf('once')).length >= 3, {
      message: 'ticks on time',
    });
    await dispatcher.stop();
    const once = await ticksOf('once');
    const skip = await ticksOf('skip');
    const [firstOnce] = await decisions('once');
    const [firstSkip] = await decisions('skip');
    // `once`: one tick older than the grace when decided, then the ticks on time, one second apart.
    expect(firstOnce.tick).toBeLessThan(firstOnce.at - 500);
    expect(firstOnce.tick).toBeGreaterThanOrEqual(firstOnce.at - 1_500);
    for (const [i, tick] of once.slice(1).entries()) expect(tick - once[i]).toBe(1_000);
    // `skip`: only ticks on time; neither ran the ticks of the downtime before the newest.
    expect(firstSkip.tick).toBeGreaterThanOrEqual(firstSkip.at - 500);
    for (const [i, tick] of skip.slice(1).entries()) expect(tick - skip[i]).toBe(1_000);
    expect(once[0]).toBeGreaterThan(started - 3_000);
  }, 30_000);
});
