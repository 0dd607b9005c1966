import { eventLogOf } from '@passerine/eventlog';
import type { Command } from 'commander';
import { formatRecord, parseUntil } from './format.ts';
import { connectFromOptions, withNatsOptions } from './nats-options.ts';

interface EventsOptions {
  subject?: string;
  json?: boolean;
  from?: number;
  until?: string;
  natsUrl?: string;
  prefix?: string;
}

async function printRecords(opts: EventsOptions, follow: boolean): Promise<void> {
  const { nc, names } = await connectFromOptions(opts);
  const log = eventLogOf(nc, names);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let from = opts.from;
  if (from === undefined && follow) from = (await log.lastSeq()) + 1;
  const until = opts.until ? parseUntil(opts.until) : {};
  let count = 0;
  for await (const record of log.read({
    filter: opts.subject ?? names.allEvents,
    fromSeq: from,
    follow,
    signal: abort.signal,
    ...until,
  })) {
    for (const line of formatRecord(record, opts.json ?? false)) console.log(line);
    count++;
  }
  if (!opts.json) console.error(`${count} commit(s)`);
  await nc.drain();
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
  ).action((opts: EventsOptions) => printRecords(opts, true));
  withNatsOptions(
    events
      .command('replay')
      .description('print the log from the start (or --from) up to a sequence or a time')
      .option('--subject <subject>', 'subject filter (wildcards allowed)')
      .option('--from <seq>', 'first stream sequence', Number)
      .option('--until <seq|time>', 'last sequence, or a time such as 2026-11-22T10:00:00Z')
      .option('--json', 'one JSON object per line'),
  ).action((opts: EventsOptions) => printRecords(opts, false));
}
