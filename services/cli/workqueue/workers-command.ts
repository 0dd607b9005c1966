import type { Command } from 'commander';
import type { AttemptView } from '@passerine/workqueue';
import { cborToJson, nameToJson } from './cbor-json.ts';
import { withWorkQueue, withWorkQueueOptions, type WorkQueueOptions } from './connection.ts';
import { showName } from './names.ts';
import { formatTime, renderTable } from './table.ts';

async function listWorkers(opts: WorkQueueOptions): Promise<void> {
  const modes = await withWorkQueue(opts, (client) =>
    client.call<'listWorkerModes', Record<string, string>>('listWorkerModes', {}),
  );
  const ids = Object.keys(modes).sort();
  if (opts.json) console.log(JSON.stringify(ids.map((id) => ({ worker_id: id, mode: modes[id] }))));
  else if (ids.length === 0) console.log(`no workers in namespace ${opts.namespace}`);
  else
    console.log(
      renderTable(
        ['worker', 'mode'],
        ids.map((id) => [id, modes[id]]),
      ),
    );
}

async function showWorker(id: string, opts: WorkQueueOptions): Promise<void> {
  await withWorkQueue(opts, async (client) => {
    const modes = await client.call<'listWorkerModes', Record<string, string>>('listWorkerModes', {});
    if (!(id in modes)) throw new Error(`no such worker '${id}' in namespace ${opts.namespace}`);
    const info = await client.call<'getWorkerInfo', Uint8Array | null>('getWorkerInfo', { workerId: id });
    const attempts = await client.call<'workerAttempts', AttemptView[]>('workerAttempts', { workerId: id });
    if (opts.json) {
      const held = attempts.map((a) => ({
        id: a.id,
        work_spec_name: nameToJson(a.work_spec_name),
        work_unit_key: nameToJson(a.work_unit_key),
        started: a.started,
        expires: a.expires,
      }));
      console.log(JSON.stringify({ worker_id: id, mode: modes[id], data: cborToJson(info), attempts: held }));
      return;
    }
    console.log(`worker ${id}  mode ${modes[id]}`);
    console.log(`data: ${JSON.stringify(cborToJson(info))}`);
    if (attempts.length === 0) {
      console.log('holds no work');
      return;
    }
    const rows = attempts.map((a) => [
      showName(a.work_spec_name),
      showName(a.work_unit_key),
      a.id,
      formatTime(a.started),
      formatTime(a.expires),
    ]);
    console.log(renderTable(['work spec', 'key', 'attempt', 'started', 'expires'], rows));
  });
}

export function registerWorkers(program: Command): void {
  const workers = program.command('workers').description('workers that heartbeat to a namespace');
  withWorkQueueOptions(
    workers.command('list').description('every live worker and its mode (RUN, IDLE, TERMINATE)'),
  )
    .option('--json', 'one JSON array')
    .action((opts: WorkQueueOptions) => listWorkers(opts));
  withWorkQueueOptions(
    workers.command('show <id>').description("a worker's mode, data and the work it holds"),
  )
    .option('--json', 'one line of JSON')
    .action((id: string, opts: WorkQueueOptions) => showWorker(id, opts));
}
