import type { Command } from 'commander';
import type { Name } from '@passerine/workqueue';
import { withWorkQueue, withWorkQueueOptions, type WorkQueueOptions } from './connection.ts';
import { nameToJson } from './cbor-json.ts';
import { showName } from './names.ts';
import { renderTable } from './table.ts';
import { UNIT_STATUS_NAMES } from './unit-status.ts';

/** One row of the store's `summary` answer. */
export interface SpecSummaryRow {
  name: Name;
  counts: Record<number, number>;
  status: number;
  weight: number;
}

export function specStatusName(status: number): string {
  return status === 2 ? 'paused' : 'runnable';
}

function countsByName(counts: Record<number, number>): Record<string, number> {
  return Object.fromEntries(UNIT_STATUS_NAMES.map(([name, status]) => [name, counts[status] ?? 0]));
}

function total(counts: Record<number, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Like `coordinate summary`: one row per spec with unit counts by status, and a total row.
 * BLOCKED is never produced, so its column only appears when some spec has blocked units.
 */
export function formatSummary(rows: SpecSummaryRow[]): string {
  const shown = UNIT_STATUS_NAMES.filter(
    ([name, status]) => name !== 'blocked' || rows.some((r) => (r.counts[status] ?? 0) > 0),
  );
  const header = ['work spec', ...shown.map(([name]) => name), 'total', 'status'];
  const numeric = new Set(shown.map((_, i) => i + 1).concat(shown.length + 1));
  const line = (label: string, counts: Record<number, number>, status: string) => [
    label,
    ...shown.map(([, s]) => String(counts[s] ?? 0)),
    String(total(counts)),
    status,
  ];
  const body = rows.map((r) => line(showName(r.name), r.counts, specStatusName(r.status)));
  if (rows.length > 1) {
    const sum: Record<number, number> = {};
    for (const r of rows) {
      for (const [s, n] of Object.entries(r.counts)) sum[Number(s)] = (sum[Number(s)] ?? 0) + n;
    }
    body.push(line('(all specs)', sum, ''));
  }
  return renderTable(header, body, numeric);
}

export async function fetchSummary(opts: WorkQueueOptions): Promise<SpecSummaryRow[]> {
  const rows = await withWorkQueue(opts, (client) => client.call<'summary', SpecSummaryRow[]>('summary', {}));
  return rows.sort((a, b) => showName(a.name).localeCompare(showName(b.name)));
}

export function registerSummary(program: Command): void {
  withWorkQueueOptions(
    program
      .command('summary')
      .description('unit counts by status for every work spec of a namespace')
      .option('--json', 'one JSON array of specs'),
  ).action(async (opts: WorkQueueOptions) => {
    const rows = await fetchSummary(opts);
    if (opts.json) {
      const json = rows.map((r) => ({
        work_spec: nameToJson(r.name),
        status: specStatusName(r.status),
        weight: r.weight,
        counts: countsByName(r.counts),
        total: total(r.counts),
      }));
      console.log(JSON.stringify(json));
    } else if (rows.length === 0) {
      console.log(`no work specs in namespace ${opts.namespace}`);
    } else {
      console.log(formatSummary(rows));
    }
  });
}
