import { retryUnits } from '@passerine/client';
import type { Command } from 'commander';
import type { Name } from '@passerine/workqueue';
import { MAX_KEYS_PER_REQUEST } from '@passerine/workqueue-api';
import { addUnitsFromFile } from './add-units.ts';
import { withWorkQueue, withWorkQueueOptions } from './connection.ts';
import { parseKey, resolveSpecName } from './names.ts';
import { createProgress } from './progress.ts';
import { parseUnitStates } from './unit-status.ts';
import { type UnitOptions, withUnitOptions } from './units-read-commands.ts';
import { countUnitsInFile } from './units-file.ts';

interface DeleteOptions extends UnitOptions {
  keys?: string[];
  state?: number[];
  all?: boolean;
}

interface PrioritizeOptions extends UnitOptions {
  priority?: number;
  adjust?: number;
}

function finiteNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${JSON.stringify(text)} is not a number`);
  return n;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function addUnits(specText: string, file: string, opts: UnitOptions): Promise<void> {
  // The whole file is checked before anything is sent: a bad line anywhere adds nothing.
  const total = await countUnitsInFile(file);
  if (total === 0) {
    console.log(`no units in ${file}`);
    return;
  }
  const added = await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    const progress = createProgress(`adding to ${specText}`, total);
    try {
      return await addUnitsFromFile(client, spec, file, progress);
    } finally {
      progress.stop();
    }
  });
  console.log(`added ${added} unit(s) to ${specText}`);
}

async function deleteUnits(specText: string, opts: DeleteOptions): Promise<void> {
  const chosen = [opts.keys !== undefined, opts.state !== undefined, opts.all === true].filter(
    Boolean,
  ).length;
  // Coordinate deletes nothing for empty options; the CLI asks for an explicit choice instead.
  if (chosen !== 1) throw new Error('say which units to delete: exactly one of --keys, --state or --all');
  const deleted = await withWorkQueue(opts, async (client) => {
    const spec: Name = await resolveSpecName(client, specText);
    if (!opts.keys)
      return client.call<'delWorkUnits', number>('delWorkUnits', { spec, all: opts.all, state: opts.state });
    const keys = opts.keys.map((k) => parseKey(k, opts.keyFormat));
    let count = 0;
    for (const part of chunks(keys, MAX_KEYS_PER_REQUEST)) {
      count += await client.call<'delWorkUnits', number>('delWorkUnits', { spec, keys: part });
    }
    return count;
  });
  console.log(`deleted ${deleted} unit(s) from ${specText}`);
}

async function prioritizeUnits(specText: string, keyTexts: string[], opts: PrioritizeOptions): Promise<void> {
  if ((opts.priority === undefined) === (opts.adjust === undefined)) {
    throw new Error('give exactly one of --priority P (set) or --adjust D (add to the current priority)');
  }
  const keys = keyTexts.map((k) => parseKey(k, opts.keyFormat));
  await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    for (const part of chunks(keys, MAX_KEYS_PER_REQUEST)) {
      await client.call('prioritizeWorkUnits', {
        spec,
        keys: part,
        priority: opts.priority,
        adjustment: opts.adjust,
      });
    }
  });
  const change =
    opts.priority !== undefined ? `priority ${opts.priority}` : `priority adjusted by ${opts.adjust}`;
  console.log(`${keys.length} unit(s) of ${specText}: ${change}`);
}

async function retryFailedUnits(
  specText: string,
  keyTexts: string[],
  opts: UnitOptions & { allFailed?: boolean },
) {
  if (keyTexts.length > 0 === (opts.allFailed === true)) {
    throw new Error('say which units to retry: KEYS or --all-failed, not both');
  }
  const retried = await withWorkQueue(opts, async (client) => {
    const spec = await resolveSpecName(client, specText);
    if (opts.allFailed) return retryUnits(client, spec, { allFailed: true });
    let count = 0;
    const keys = keyTexts.map((k) => parseKey(k, opts.keyFormat));
    for (const part of chunks(keys, MAX_KEYS_PER_REQUEST))
      count += await retryUnits(client, spec, { keys: part });
    return count;
  });
  console.log(`${retried} failed unit(s) of ${specText} made available again`);
}

export function registerUnitWrites(units: Command): void {
  withUnitOptions(
    units
      .command('retry <spec> [keys...]')
      .description(
        'make failed units available again, their data kept: these keys (each must have failed, or none is retried), or --all-failed',
      ),
  )
    .option('--all-failed', 'every failed unit of the spec')
    .action((spec: string, keys: string[], opts: UnitOptions & { allFailed?: boolean }) =>
      retryFailedUnits(spec, keys, opts),
    );
  withWorkQueueOptions(
    units
      .command('add <spec> <file>')
      .summary('add units from a JSON-lines file, with progress on stderr')
      .description(
        'add units from a JSON-lines file, one {"key": …, "data": {…}, "priority"?: n} a line; ' +
          'the whole file is checked first, so a bad line adds nothing; an existing key is overwritten',
      ),
  ).action((spec: string, file: string, opts: UnitOptions) => addUnits(spec, file, opts));
  withUnitOptions(units.command('delete <spec>').description('delete units by key, by state, or all of them'))
    .option('--keys <keys...>', 'these keys')
    .option(
      '--state <states>',
      'every unit in these states (available,pending,finished,failed or 1-5)',
      parseUnitStates,
    )
    .option('--all', 'every unit of the spec')
    .action((spec: string, opts: DeleteOptions) => deleteUnits(spec, opts));
  withUnitOptions(
    units.command('prioritize <spec> <keys...>').description('set or adjust the priority of units'),
  )
    .option('--priority <p>', 'new priority (higher runs first)', finiteNumber)
    .option('--adjust <d>', 'add this to the current priority', finiteNumber)
    .action((spec: string, keys: string[], opts: PrioritizeOptions) => prioritizeUnits(spec, keys, opts));
}
