import type { RegisteredJob } from '@passerine/batch';
import {
  applyDefinitions,
  backfill,
  dispatchRun,
  readDefinitionsDir,
  readRegistry,
} from '@passerine/batch-protocol';
import { NotFoundError, randomIdSource, systemClock, ValidationError } from '@passerine/core';
import { JetStreamEventLog } from '@passerine/eventlog';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';

interface Common {
  natsUrl?: string;
  prefix?: string;
  json?: boolean;
}

async function withLog<T>(
  opts: Common,
  work: (c: Awaited<ReturnType<typeof connectFromOptions>> & { log: JetStreamEventLog }) => Promise<T>,
): Promise<T> {
  const connected = await connectFromOptions(opts);
  try {
    return await work({
      ...connected,
      log: new JetStreamEventLog(connected.nc, { stream: connected.names.eventStream }),
    });
  } finally {
    await connected.nc.drain();
  }
}

function collectParam(text: string, into: Record<string, string>): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq < 1) throw new ValidationError(`--param ${JSON.stringify(text)}: must be NAME=VALUE`);
  return { ...into, [text.slice(0, eq)]: text.slice(eq + 1) };
}

function timeOf(text: string, flag: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new ValidationError(`${flag} ${JSON.stringify(text)} is not a date or time`);
  return ms;
}

function describe(job: RegisteredJob): string {
  const d = job.definition;
  const when = d.schedule
    ? `cron "${d.schedule.cron}" ${d.schedule.timezone}, missed: ${d.schedule.missed}`
    : d.triggers.length
      ? `on ${d.triggers.join(' + ')}`
      : 'by hand';
  return `${d.name.padEnd(24)} v${job.version}  ${d.runner.padEnd(6)}  ${when}  (${job.file})`;
}

/**
 * Job definitions under `passerine jobs`: apply, list, show, run and backfill. `jobs submit` and
 * the rest stay the ad-hoc scheduler jobs they were.
 */
export function registerDefinitionCommands(jobs: Command): void {
  withNatsOptions(
    jobs
      .command('apply <dir>')
      .description(
        'register the job definitions (and data sets) of a directory of YAML files; a removed file retires its job',
      )
      .option('--json', 'print the changes as JSON'),
  ).action(async (dir: string, opts: Common) => {
    const files = await readDefinitionsDir(dir);
    await withLog(opts, async ({ nc, log, names }) => {
      const { events } = await applyDefinitions(nc, log, names, files, {
        now: systemClock.now(),
        ids: randomIdSource(),
      });
      if (opts.json) return console.log(JSON.stringify(events));
      if (events.length === 0) console.log(`${files.length} file(s), nothing changed`);
      for (const e of events) {
        const data = e.data as {
          definition?: { name: string };
          dataset?: { name: string };
          name?: string;
          version?: number;
        };
        const name = data.definition?.name ?? data.dataset?.name ?? data.name;
        const what = {
          JobDefinitionRegistered: 'registered',
          JobDefinitionRetired: 'retired',
          DatasetDeclared: 'declared data set',
          DatasetRetired: 'retired data set',
        }[e.type];
        console.log(`${what} ${name}${e.type === 'JobDefinitionRegistered' ? ` v${data.version}` : ''}`);
      }
    });
  });

  withNatsOptions(
    jobs.command('list').description('the registered job definitions').option('--json', 'print JSON'),
  ).action((opts: Common) =>
    withLog(opts, async ({ log, names }) => {
      const { registry } = await readRegistry(log, names);
      const list = [...registry.jobs.values()].sort((a, b) =>
        a.definition.name < b.definition.name ? -1 : 1,
      );
      if (opts.json) return console.log(JSON.stringify(list.map((j) => ({ ...j, digest: undefined }))));
      for (const job of list) console.log(describe(job));
      for (const { dataset, file } of registry.datasets.values())
        console.log(`${dataset.name.padEnd(24)} data set  (${file})`);
    }),
  );

  withNatsOptions(
    jobs.command('show <name>').description('one registered job definition').option('--json', 'print JSON'),
  ).action((name: string, opts: Common) =>
    withLog(opts, async ({ log, names }) => {
      const { registry } = await readRegistry(log, names);
      const job = registry.jobs.get(name);
      if (!job) throw new NotFoundError(`no job definition ${name} is registered`);
      const shown = { version: job.version, file: job.file, ...job.definition };
      console.log(opts.json ? JSON.stringify(shown) : JSON.stringify(shown, null, 2));
    }),
  );

  withNatsOptions(
    jobs
      .command('run <name>')
      .description('a one-off run of a job definition: passerine jobs run NAME --param date=2026-11-22')
      .option('--param <name=value>', 'a parameter (repeatable)', collectParam, {})
      .option('--json', 'print JSON'),
  ).action(async (name: string, opts: Common & { param: Record<string, string> }) => {
    const { nc, names } = await connectFromOptions(opts);
    try {
      const reply = await dispatchRun(nc, names, { job: name, params: opts.param });
      console.log(
        opts.json
          ? JSON.stringify(reply)
          : `run ${reply.runId}: ${reply.status}${reply.reason ? ` — ${reply.reason}` : ''}`,
      );
      if (reply.status === 'dropped' || reply.status === 'refused') process.exitCode = 1;
    } finally {
      await nc.drain();
    }
  });

  withNatsOptions(
    jobs
      .command('backfill <name>')
      .description("one run per tick of the job's schedule from --from (inclusive) to --to (inclusive)")
      .requiredOption('--from <time>', 'first date or time (ISO 8601)')
      .requiredOption('--to <time>', 'last date or time (ISO 8601)')
      .option('--json', 'print JSON'),
  ).action(async (name: string, opts: Common & { from: string; to: string }) => {
    const { nc, names } = await connectFromOptions(opts);
    try {
      const reply = await backfill(nc, names, {
        job: name,
        from: timeOf(opts.from, '--from'),
        to: timeOf(opts.to, '--to'),
      });
      console.log(
        opts.json
          ? JSON.stringify(reply)
          : `${reply.ticks} tick(s): ${reply.dispatched} dispatched, ${reply.dropped} dropped, ${reply.refused} refused, ${reply.decidedBefore} decided before`,
      );
    } finally {
      await nc.drain();
    }
  });
}
