/** What the `events` commands do; loaded only when one of them runs (see events-command.ts). */
import { NotFoundError } from '@passerine/core';
import { eventLogOf, type LogRecord } from '@passerine/eventlog';
import type { Names } from '@passerine/subjects';
import { type AuditLine, type AuditTarget, Auditor } from './audit.ts';
import { readableJson } from './readable.ts';
import { StateAtPoint } from './summary.ts';
import { formatRecord, parseUntil } from '../format.ts';
import { connectFromOptions } from '../nats-options.ts';
import type { KeyFormat } from '../workqueue/names.ts';

export interface EventsOptions {
  subject?: string;
  json?: boolean;
  from?: number;
  until?: string;
  summary?: boolean;
  natsUrl?: string;
  prefix?: string;
  natsCredentials?: string;
}

export interface AuditOptions {
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
    const log = eventLogOf(nc, names);
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

export async function printRecords(opts: EventsOptions, follow: boolean): Promise<void> {
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

export async function audit(target: AuditTarget, opts: AuditOptions): Promise<void> {
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
