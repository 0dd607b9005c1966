import type { Command } from 'commander';
import type { AttemptView, Name, WorkUnitStatusView } from '@passerine/workqueue';
import { MAX_KEYS_PER_REQUEST } from '@passerine/workqueue-api';
import { cborToJson, nameToJson } from './cbor-json.ts';
import { withWorkQueue, withWorkQueueOptions, type WorkQueueOptions } from './connection.ts';
import { type KeyFormat, parseKey, parseKeyFormat, resolveSpecName, showName } from './names.ts';
import { formatTime, renderTable } from './table.ts';
import { parseUnitStates, unitStatusName } from './unit-status.ts';

export interface UnitOptions extends WorkQueueOptions {
  keyFormat: KeyFormat;
}

interface ListOptions extends UnitOptions {
  state?: number[];
  limit: number;
  start?: string;
}

/** Adds the options of every `units` command: namespace, NATS, and how KEY arguments are read. */
export function withUnitOptions(command: Command): Command {
  return withWorkQueueOptions(
    command.option(
      '--key-format <format>',
      'KEY arguments are text, bytes (UTF-8) or hex',
      parseKeyFormat,
      'text',
    ),
  );
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--limit must be a positive integer, not ${JSON.stringify(text)}`);
  return n;
}

function statusRow(key: Name, view: WorkUnitStatusView | null): string[] {
  if (!view) return [showName(key), 'no such unit', '-', '-', ''];
  const traceback = view.traceback?.trim().split('\n').at(-1) ?? '';
  return [
    showName(key),
    unitStatusName(view.status),
    view.worker_id ?? '-',
    formatTime(view.expiration),
    traceback,
  ];
}

async function listUnits(specText: string, opts: ListOptions): Promise<void> {
  await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    // One more than asked tells whether there is a next page, and where it starts.
    const page = await client.call<'getWorkUnits', Array<[Name, Uint8Array | null]>>('getWorkUnits', {
      spec,
      state: opts.state,
      start: opts.start === undefined ? undefined : parseKey(opts.start, opts.keyFormat),
      limit: opts.limit + 1,
    });
    const units = page.slice(0, opts.limit);
    const keys = units.map(([key]) => key);
    const statuses = keys.length
      ? await client.call<'getWorkUnitStatus', Array<WorkUnitStatusView | null>>('getWorkUnitStatus', {
          spec,
          keys,
        })
      : [];
    if (opts.json) {
      for (const [i, [key, data]] of units.entries()) {
        const status = statuses[i];
        console.log(
          JSON.stringify({
            key: nameToJson(key),
            status: status ? unitStatusName(status.status) : null,
            data: cborToJson(data),
          }),
        );
      }
    } else if (units.length === 0) {
      console.log('no units');
    } else {
      const rows = units.map(([key, data], i) => [
        ...statusRow(key, statuses[i]).slice(0, 3),
        JSON.stringify(cborToJson(data)),
      ]);
      console.log(renderTable(['key', 'status', 'worker', 'data'], rows));
    }
    const next = page[opts.limit];
    if (next) console.error(`more units follow; continue with --start ${JSON.stringify(showName(next[0]))}`);
  });
}

async function unitStatus(specText: string, keyTexts: string[], opts: UnitOptions): Promise<void> {
  if (keyTexts.length > MAX_KEYS_PER_REQUEST) throw new Error(`at most ${MAX_KEYS_PER_REQUEST} keys at once`);
  const keys = keyTexts.map((k) => parseKey(k, opts.keyFormat));
  await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    const views = await client.call<'getWorkUnitStatus', Array<WorkUnitStatusView | null>>(
      'getWorkUnitStatus',
      { spec, keys },
    );
    if (opts.json) {
      for (const [i, view] of views.entries()) {
        const json = view ? { ...view, status: unitStatusName(view.status) } : null;
        console.log(JSON.stringify({ key: nameToJson(keys[i]), ...(json ?? { status: null }) }));
      }
      return;
    }
    console.log(
      renderTable(
        ['key', 'status', 'worker', 'expires/ended', 'traceback'],
        views.map((v, i) => statusRow(keys[i], v)),
      ),
    );
  });
}

async function unitHistory(specText: string, keyText: string, opts: UnitOptions): Promise<void> {
  const key = parseKey(keyText, opts.keyFormat);
  await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    const attempts = await client.call<'unitHistory', AttemptView[]>('unitHistory', { spec, key });
    if (opts.json) {
      for (const a of attempts) {
        console.log(
          JSON.stringify({
            ...a,
            work_spec_name: nameToJson(a.work_spec_name),
            work_unit_key: nameToJson(a.work_unit_key),
            data: cborToJson(a.data),
          }),
        );
      }
    } else if (attempts.length === 0) {
      console.log(`no attempts of ${showName(key)} yet`);
    } else {
      const rows = attempts.map((a) => [
        a.id,
        a.worker_id,
        a.status,
        formatTime(a.started),
        formatTime(a.ended),
        a.ended ? '-' : formatTime(a.expires),
        a.traceback?.trim().split('\n').at(-1) ?? '',
      ]);
      console.log(
        renderTable(['attempt', 'worker', 'status', 'started', 'ended', 'expires', 'traceback'], rows),
      );
    }
  });
}

export function registerUnitReads(units: Command): void {
  withUnitOptions(
    units.command('list <spec>').description('units of a spec in key order, with status and data'),
  )
    .option(
      '--state <states>',
      'only units in these states (available,pending,finished,failed or 1-5)',
      parseUnitStates,
    )
    .option('--limit <n>', 'at most this many units', positiveInt, 100)
    .option('--start <key>', 'first key to list (inclusive)')
    .option('--json', 'one JSON object per unit')
    .action((spec: string, opts: ListOptions) => listUnits(spec, opts));
  withUnitOptions(units.command('status <spec> <keys...>').description('status, worker and lease of units'))
    .option('--json', 'one JSON object per key')
    .action((spec: string, keys: string[], opts: UnitOptions) => unitStatus(spec, keys, opts));
  withUnitOptions(units.command('history <spec> <key>').description('every attempt of a unit, newest first'))
    .option('--json', 'one JSON object per attempt')
    .action((spec: string, key: string, opts: UnitOptions) => unitHistory(spec, key, opts));
}
