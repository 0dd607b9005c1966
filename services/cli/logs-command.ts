import { jetstream } from '@nats-io/jetstream';
import { ValidationError } from '@passerine/core';
import { parseServerVersion, serverAtLeast } from '@passerine/natsconn';
import {
  formatShownLine,
  type LogSourceKind,
  LogView,
  logSourceKinds,
  readLogs,
  resolveLogSource,
} from '@passerine/task-logs';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from './nats-options.ts';

export interface LogsOptions {
  natsUrl?: string;
  prefix?: string;
  json?: boolean;
  follow?: boolean;
  attempt?: number;
  since?: string;
  namespace: string;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m` (a while ago: s, m, h, d) or `--since 2026-11-22T10:00:00Z` (a time). */
export function parseSince(text: string, now: number): number {
  const ago = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2]];
  const time = Date.parse(text);
  if (/^\d{4}-\d\d-\d\d/.test(text) && Number.isFinite(time)) return time;
  throw new ValidationError(
    `--since ${JSON.stringify(text)} is neither a while ago (30s, 10m, 2h, 1d) nor a time such as 2026-11-22T10:00:00Z`,
    { field: 'since' },
  );
}

function attemptNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`--attempt ${JSON.stringify(text)} is not an attempt number (1, 2, ...)`);
  return n;
}

/**
 * Prints the output of a job or a work unit, from whichever nodes ran it, in the order the logs
 * stream stored it. `kinds` are the ids it understands; each is one resolver, so a new kind of
 * thing that runs as jobs is one more entry.
 */
export async function printLogs(
  target: string,
  opts: LogsOptions,
  kinds: readonly LogSourceKind[] = logSourceKinds,
): Promise<void> {
  const sinceMs = opts.since === undefined ? undefined : parseSince(opts.since, Date.now());
  const source = await resolveLogSource(target, kinds, { namespace: opts.namespace });
  const { nc, names } = await connectFromOptions(opts);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const view = new LogView(source, {
    ...(opts.attempt !== undefined && { attempt: opts.attempt }),
    ...(sinceMs !== undefined && { sinceMs }),
  });
  try {
    for await (const batch of readLogs(jetstream(nc), names.logStream, {
      filters: source.filters(names),
      covering: names.allLogs,
      manyFilters: serverAtLeast(parseServerVersion(nc.info?.version ?? ''), 2, 10),
      follow: opts.follow ?? false,
      ...(sinceMs !== undefined && { sinceMs }),
      signal: abort.signal,
    })) {
      for (const line of view.lines(batch))
        console.log(opts.json ? JSON.stringify(line) : formatShownLine(line));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await nc.drain();
  }
}

/** The options of `logs` (and of its alias `jobs logs`). */
export function withLogsOptions(command: Command): Command {
  return withNatsOptions(
    command
      .option('-f, --follow', 'keep printing lines as they arrive (Ctrl-C to stop)')
      .option(
        '--attempt <n>',
        "only the Nth attempt of each task (1 is the first; the unit's, for a unit)",
        attemptNumber,
      )
      .option('--since <when>', 'only lines since a while ago (30s, 10m, 2h, 1d) or a time')
      .option('--namespace <ns>', 'work-queue namespace of a unit', 'default')
      .option('--json', 'JSON lines: task, attempt, node, stream, text, time'),
  );
}

export function registerLogs(program: Command): void {
  const usage = logSourceKinds.map((k) => `  ${k.usage}`).join('\n');
  withLogsOptions(
    program
      .command('logs <target>')
      .description(`print the output of a job or a work unit, from whichever nodes ran it:\n${usage}`),
  ).action((target: string, opts: LogsOptions) => printLogs(target, opts));
}
