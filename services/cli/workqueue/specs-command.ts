import type { Command } from 'commander';
import type { Name, WorkSpecMetaView } from '@passerine/workqueue';
import { cborToJson, nameToJson } from './cbor-json.ts';
import { withWorkQueue, withWorkQueueOptions, type WorkQueueOptions } from './connection.ts';
import { resolveSpecName, showName } from './names.ts';
import { readSpecFile } from './spec-file.ts';
import { fetchSummary, specStatusName } from './summary-command.ts';
import { renderTable } from './table.ts';
import { unitStatusName } from './unit-status.ts';
import { readSpecSettings } from '@passerine/workqueue-api';

async function listSpecs(opts: WorkQueueOptions): Promise<void> {
  const rows = await fetchSummary(opts);
  if (opts.json) {
    console.log(
      JSON.stringify(
        rows.map((r) => ({ name: nameToJson(r.name), status: specStatusName(r.status), weight: r.weight })),
      ),
    );
    return;
  }
  if (rows.length === 0) {
    console.log(`no work specs in namespace ${opts.namespace}`);
    return;
  }
  const body = rows.map((r) => [showName(r.name), specStatusName(r.status), String(r.weight)]);
  console.log(renderTable(['work spec', 'status', 'weight'], body));
}

async function showSpec(nameText: string, opts: WorkQueueOptions): Promise<void> {
  await withWorkQueue(opts, async (client) => {
    const name = await resolveSpecName(client, nameText);
    const data = await client.call<'getWorkSpec', Uint8Array | null>('getWorkSpec', { name });
    if (!data) throw new Error(`no such work_spec '${nameText}' in namespace ${opts.namespace}`);
    const meta = await client.call<'getWorkSpecMeta', WorkSpecMetaView>('getWorkSpecMeta', { name });
    const counts = await client.call<'countWorkUnits', Record<number, number>>('countWorkUnits', {
      spec: name,
    });
    const namedCounts = Object.fromEntries(
      Object.entries(counts).map(([s, n]) => [unitStatusName(Number(s)), n]),
    );
    const settings = readSpecSettings(data);
    const view = {
      spec: cborToJson(data),
      meta: { ...meta, status: specStatusName(meta.status), priority: settings.priority },
      counts: namedCounts,
    };
    if (opts.json) console.log(JSON.stringify(view));
    else console.log(JSON.stringify(view, null, 2));
  });
}

async function setSpecs(file: string, opts: WorkQueueOptions): Promise<void> {
  // Read and check the whole file before sending anything.
  const specs = await readSpecFile(file);
  await withWorkQueue(opts, async (client) => {
    for (const spec of specs) {
      await client.call('setWorkSpec', { spec });
      console.log(`set work spec ${showName(readSpecSettings(spec).name)}`);
    }
  });
}

async function controlSpec(nameText: string, status: 1 | 2, opts: WorkQueueOptions): Promise<void> {
  await withWorkQueue(opts, async (client) => {
    const name: Name = await resolveSpecName(client, nameText);
    await client.call('controlWorkSpec', { name, changes: { status } });
  });
  console.log(`${status === 2 ? 'paused' : 'resumed'} work spec ${nameText}`);
}

async function deleteSpec(nameText: string, opts: WorkQueueOptions): Promise<void> {
  await withWorkQueue(opts, async (client) => {
    const name = await resolveSpecName(client, nameText);
    await client.call('delWorkSpec', { name });
  });
  console.log(`deleted work spec ${nameText}`);
}

export function registerSpecs(program: Command): void {
  const specs = program.command('specs').description('list, show, set, pause, resume and delete work specs');
  withWorkQueueOptions(specs.command('list').description('every work spec with its status and weight'))
    .option('--json', 'one JSON array')
    .action((opts: WorkQueueOptions) => listSpecs(opts));
  withWorkQueueOptions(
    specs.command('show <name>').description('a spec dict, its run settings and unit counts'),
  )
    .option('--json', 'one line of JSON')
    .action((name: string, opts: WorkQueueOptions) => showSpec(name, opts));
  withWorkQueueOptions(
    specs
      .command('set <file>')
      .description('create or replace work specs from a JSON file (one spec object or an array of them)'),
  ).action((file: string, opts: WorkQueueOptions) => setSpecs(file, opts));
  withWorkQueueOptions(specs.command('pause <name>').description('stop handing out work from a spec')).action(
    (name: string, opts: WorkQueueOptions) => controlSpec(name, 2, opts),
  );
  withWorkQueueOptions(
    specs.command('resume <name>').description('hand out work from a paused spec again'),
  ).action((name: string, opts: WorkQueueOptions) => controlSpec(name, 1, opts));
  withWorkQueueOptions(specs.command('delete <name>').description('delete a spec and all its units')).action(
    (name: string, opts: WorkQueueOptions) => deleteSpec(name, opts),
  );
}
