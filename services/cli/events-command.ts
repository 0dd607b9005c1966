import { NotFoundError } from '@passerine/core';
import { JetStreamEventLog, type LogRecord } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';
import type { Command } from 'commander';
import { type AuditLine, type AuditTarget, Auditor } from './events/audit.ts';
import { readableJson } from './events/readable.ts';
import { StateAtPoint } from './events/summary.ts';
import { formatRecord, parseUntil } from './format.ts';
import { connectFromOptions, withNatsOptions } from './nats-options.ts';
import { type KeyFormat, parseKey, parseKeyFormat } from './workqueue/names.ts';

interface EventsOptions {
  subject?: string;
  json?: boolean;
  from?: number;
  until?: string;
  summary?: boolean;
  natsUrl?: string;
  prefix?: string;
}

interface AuditOptions {
  json?: boolean;
  until?: string;
  namespace: string;
  keyFormat: KeyFormat;
  natsUrl?: string;
  prefix?: string;
}

/** Reads the log (from `from`, or from the end when following) and hands each record over. */
async function readLog(
  opts: { natsUrl?: string; prefix?: string; from?: number; until?: string },
  filter: (names: Names) => string,
  follow: boolean,
  each: (record: LogRecord, names: Names) => void,
): Promise<void> {
  const { nc, names } = await connectFromOptions(opts);
  try {
    const log = new JetStreamEventLog(nc, { stream: names.eventStream });
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    let from = opts.from;
    if (from === undefined && follow) from = (await log.lastSeq()) + 1;
    const until = opts.until ? parseUntil(opts.until) : {};
    for await (const record of log.read({
      filter: filter(names),
      fromSeq: from,
      follow,
      signal: abort.signal,
      ...until,
    })) {
      each(record, names);
    }
  } finally {
    await nc.drain();
  }
}

async function printRecords(opts: EventsOptions, follow: boolean): Promise<void> {
  let count = 0;
  let summary: StateAtPoint | undefined;
  await readLog(
    opts,
    (names) => opts.subject ?? names.allEvents,
    follow,
    (record, names) => {
      count++;
      if (opts.summary) {
        summary ??= new StateAtPoint(names.prefix);
        if (record.kind === 'commit') summary.apply(record.seq, record.subject, record.time, record.events);
        return;
      }
      for (const line of formatRecord(record, opts.json ?? false)) console.log(line);
    },
  );
  if (opts.summary) {
    const state = summary ?? new StateAtPoint('');
    if (opts.json) console.log(JSON.stringify(state.json()));
    else for (const line of state.lines()) console.log(line);
  }
  if (!opts.json) console.error(`${count} commit(s)`);
}

function describeTarget(target: AuditTarget): string {
  if (target.kind === 'unit') return `work unit ${readableJson(target.key)} of spec ${target.spec}`;
  return `${target.kind} ${target.id}`;
}

async function audit(target: AuditTarget, opts: AuditOptions): Promise<void> {
  const auditor = new Auditor(target);
  const lines: AuditLine[] = [];
  const filter = (names: Names) =>
    target.kind === 'job' ? names.jobEvents(target.id) : names.namespaceFilter(opts.namespace);
  await readLog(opts, filter, false, (record) => {
    if (record.kind !== 'commit') return;
    for (const event of record.events) {
      const line = auditor.see(record.seq, event);
      if (!line) continue;
      lines.push(line);
      if (opts.json)
        console.log(readableJson({ ...line, time: new Date(line.time).toISOString(), data: event.data }));
      else console.log(`#${line.seq}  ${new Date(line.time).toISOString()}  ${line.who}: ${line.what}`);
    }
  });
  if (lines.length === 0) throw new NotFoundError(`no events of ${describeTarget(target)} in the log`);
  if (!opts.json) console.error(`${lines.length} event(s)`);
}

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
  ).action((opts: EventsOptions) => printRecords(opts, true));
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
  ).action((opts: EventsOptions) => printRecords(opts, false));

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
    .action((spec: string, key: string, opts: AuditOptions) =>
      audit({ kind: 'unit', spec, key: parseKey(key, opts.keyFormat) }, opts),
    );
  auditCommand(
    auditing,
    'job <id>',
    "a job's history: submitted, its tasks launched and ended, completed",
  ).action((id: string, opts: AuditOptions) => audit({ kind: 'job', id }, opts));
  auditCommand(
    auditing,
    'worker <id>',
    "a worker's history: heartbeats, the units it took and how they ended",
  ).action((id: string, opts: AuditOptions) => audit({ kind: 'worker', id }, opts));
}
