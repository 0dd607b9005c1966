import type { Command } from 'commander';
import { withNatsOptions } from './nats-options.ts';
import { parseKey, parseKeyFormat } from './workqueue/names.ts';
import type { AuditOptions, EventsOptions } from './events/run.ts';

/** The commands' code is loaded when one runs: every other command would otherwise load it first. */
const run = () => import('./events/run.ts');

function auditCommand(parent: Command, name: string, describe: string): Command {
  return withNatsOptions(
    parent
      .command(name)
      .description(describe)
      .option('--namespace <namespace>', 'work queue namespace', 'default')
      .option('--until <seq|time>', 'stop at this sequence or time')
      .option('--json', 'one JSON object per event, with its data'),
  );
}

export function registerEvents(program: Command): void {
  const events = program.command('events').description('read the event log');
  withNatsOptions(
    events
      .command('tail')
      .description('print new events as they are appended (Ctrl-C to stop)')
      .option('--subject <subject>', 'subject filter (wildcards allowed)')
      .option('--from <seq>', 'start at this stream sequence instead of the end', Number)
      .option('--json', 'one JSON object per line'),
  ).action(async (opts: EventsOptions) => (await run()).printRecords(opts, true));
  withNatsOptions(
    events
      .command('replay')
      .description('print the log from the start (or --from) up to a sequence or a time')
      .option('--subject <subject>', 'subject filter (wildcards allowed)')
      .option('--from <seq>', 'first stream sequence', Number)
      .option('--until <seq|time>', 'last sequence, or a time such as 2026-11-22T10:00:00Z')
      .option(
        '--summary',
        'print the state as it was then instead: units by spec and status, jobs and their state',
      )
      .option('--json', 'one JSON object per line'),
  ).action(async (opts: EventsOptions) => (await run()).printRecords(opts, false));

  const auditing = events.command('audit').description('the full history of a unit, job or worker, in words');
  auditCommand(
    auditing,
    'unit <spec> <key>',
    "a work unit's history: added, taken, renewed, finished or failed, …",
  )
    .option(
      '--key-format <format>',
      'how KEY is written: text, bytes (UTF-8 bytes) or hex',
      parseKeyFormat,
      'text',
    )
    .action(async (spec: string, key: string, opts: AuditOptions) =>
      (await run()).audit({ kind: 'unit', spec, key: parseKey(key, opts.keyFormat) }, opts),
    );
  auditCommand(
    auditing,
    'job <id>',
    "a job's history: submitted, its tasks launched and ended, completed",
  ).action(async (id: string, opts: AuditOptions) => (await run()).audit({ kind: 'job', id }, opts));
  auditCommand(
    auditing,
    'worker <id>',
    "a worker's history: heartbeats, the units it took and how they ended",
  ).action(async (id: string, opts: AuditOptions) => (await run()).audit({ kind: 'worker', id }, opts));
}
