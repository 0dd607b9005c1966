import { WorkQueueClient } from '@passerine/client';
import { ValidationError } from '@passerine/core';
import {
  type DeadLetterFilter,
  type DeadLetterSource,
  jobDeadLetters,
  unitDeadLetters,
} from '@passerine/deadletters';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';
import { renderTable } from '../workqueue/table.ts';

interface DeadLetterOptions extends DeadLetterFilter {
  natsUrl?: string;
  prefix?: string;
  namespace: string;
  json?: boolean;
}

/** Connects, hands the dead-letter sources to `work`, and drains the connection. */
async function withSources(opts: DeadLetterOptions, work: (sources: DeadLetterSource[]) => Promise<void>) {
  if (opts.job !== undefined && opts.spec !== undefined)
    throw new ValidationError('name --job or --spec, not both', { field: 'job' });
  const { nc, names } = await connectFromOptions(opts);
  try {
    const client = new WorkQueueClient(nc, names, { namespace: opts.namespace });
    await work([jobDeadLetters(nc, names), unitDeadLetters(client)]);
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}

function withFilterOptions(command: Command): Command {
  return withNatsOptions(
    command
      .option('--job <id>', 'only this scheduler job')
      .option('--spec <name>', 'only the failed units of this work spec')
      .option('--namespace <namespace>', 'work queue namespace of the units', 'default')
      .option('--json', 'JSON lines'),
  );
}

export function registerDeadLetters(program: Command): void {
  const deadletters = program
    .command('deadletters')
    .description('work that exhausted its retries: scheduler jobs with failed tasks, failed work units');
  withFilterOptions(
    deadletters.command('list').description('list them, each with the error of its last attempt'),
  ).action((opts: DeadLetterOptions) =>
    withSources(opts, async (sources) => {
      const letters = (await Promise.all(sources.map((s) => s.list(opts)))).flat();
      if (opts.json) for (const l of letters) console.log(JSON.stringify(l));
      else if (letters.length === 0) console.log('no dead letters');
      else
        console.log(
          renderTable(
            ['kind', 'id', 'attempts', 'last error'],
            letters.map((l) => [
              l.kind,
              l.id,
              l.attempts === undefined ? '-' : String(l.attempts),
              l.lastError,
            ]),
          ),
        );
    }),
  );
  withFilterOptions(
    deadletters
      .command('redrive')
      .description('requeue them: a job runs its failed tasks again as a new job, a unit is retried'),
  ).action((opts: DeadLetterOptions) =>
    withSources(opts, async (sources) => {
      for (const source of sources) {
        const redriven = await source.redrive(opts);
        if (opts.json) for (const id of redriven) console.log(JSON.stringify({ kind: source.kind, id }));
        else for (const id of redriven) console.log(`redriven ${source.kind} ${id}`);
      }
    }),
  );
}
