import type { RunStatus } from '@passerine/batch';
import { type RunView, announceDataset, listRuns, runStatus } from '@passerine/batch-protocol';
import { ArtifactStore } from '@passerine/artifacts';
import { randomIdSource, systemClock } from '@passerine/core';
import { JetStreamEventLog } from '@passerine/eventlog';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';

interface Common {
  natsUrl?: string;
  prefix?: string;
  json?: boolean;
}

function line(run: RunView): string {
  const why = run.reason ? ` — ${run.reason}` : '';
  const artifact = run.artifactUsed ? ` [${run.artifactUsed}]` : '';
  return `${run.runId}  ${run.status}  attempt ${run.attempt}/${run.maxAttempts}${artifact}${why}`;
}

async function connected<T>(
  opts: Common,
  work: (c: Awaited<ReturnType<typeof connectFromOptions>>) => Promise<T>,
) {
  const c = await connectFromOptions(opts);
  try {
    return await work(c);
  } finally {
    await c.nc.drain();
  }
}

/** `passerine runs`: the runs of job definitions; `datasets announce`; `artifacts push`. */
export function registerRunCommands(program: Command): void {
  const runs = program
    .command('runs')
    .description('the runs of job definitions (each one a scheduler job per attempt)');
  withNatsOptions(
    runs
      .command('list')
      .description(
        'recent runs, newest first, with the counts of dispatched, dropped, refused, succeeded and failed',
      )
      .option('--job <name>', 'of one job definition')
      .option('--status <status>', 'dispatched, running, retrying, succeeded, failed, dropped or refused')
      .option('--limit <n>', 'most runs listed', Number, 100)
      .option('--json', 'print JSON'),
  ).action((opts: Common & { job?: string; status?: RunStatus; limit: number }) =>
    connected(opts, async ({ nc, names }) => {
      const reply = await listRuns(nc, names, { job: opts.job, status: opts.status, limit: opts.limit });
      if (opts.json) return console.log(JSON.stringify(reply));
      for (const run of reply.runs) console.log(line(run));
      const c = reply.counts;
      console.log(
        `${c.dispatched} dispatched (${c.active} active, ${c.succeeded} succeeded, ${c.failed} failed), ${c.dropped} dropped, ${c.refused} refused`,
      );
    }),
  );
  withNatsOptions(
    runs.command('status <run>').description('where one run stands').option('--json', 'print JSON'),
  ).action((runId: string, opts: Common) =>
    connected(opts, async ({ nc, names }) => {
      const run = await runStatus(nc, names, runId);
      console.log(opts.json ? JSON.stringify(run) : line(run));
    }),
  );

  const datasets = program.command('datasets').description('data sets whose partitions trigger jobs');
  withNatsOptions(
    datasets
      .command('announce <dataset> <partition>')
      .description('say a partition of a data set is there (jobs triggered by it run once theirs all are)'),
  ).action((dataset: string, partition: string, opts: Common) =>
    connected(opts, async ({ nc, names }) => {
      const log = new JetStreamEventLog(nc, { stream: names.eventStream });
      await announceDataset(log, names, dataset, partition, {
        now: systemClock.now(),
        ids: randomIdSource(),
      });
      console.log(`announced ${dataset} ${partition}`);
    }),
  );

  const artifacts = program
    .command('artifacts')
    .description('bundles batch jobs run (jars, packed python or node code)');
  withNatsOptions(
    artifacts
      .command('push <file>')
      .description('store a bundle by its content digest as name:version')
      .option('--name <name>', "the artifact's name (default: the file's, without its extension)")
      .option('--version <version>', 'its version (default: the first 12 hex digits of its digest)')
      .option('--json', 'print JSON'),
  ).action((file: string, opts: Common & { name?: string; version?: string }) =>
    connected(opts, async ({ nc, names }) => {
      const store = await ArtifactStore.open(nc, names);
      const pushed = await store.push(file, {
        name: opts.name,
        version: opts.version,
        now: systemClock.now(),
      });
      console.log(
        opts.json
          ? JSON.stringify(pushed)
          : `${pushed.name}:${pushed.version} ${pushed.digest} (${pushed.size} bytes)`,
      );
    }),
  );
  withNatsOptions(
    artifacts
      .command('list <name>')
      .description('the versions of an artifact, newest first')
      .option('--json', 'print JSON'),
  ).action((name: string, opts: Common) =>
    connected(opts, async ({ nc, names }) => {
      const versions = await (await ArtifactStore.open(nc, names)).list(name);
      if (opts.json) return console.log(JSON.stringify(versions));
      for (const v of versions)
        console.log(`${v.name}:${v.version} ${v.digest} ${v.file} ${new Date(v.pushedAt).toISOString()}`);
    }),
  );
}
