/**
 * A Coordinate pull worker for bench:faults, as its own process so the fault schedule can pause it
 * (SIGSTOP) past its lease. It records what it runs outside Passerine: each start, end and the
 * answer to its finish go to its own file, one line each: `start KEY MS`, `end KEY MS`,
 * `finished KEY MS` / `refused KEY MS`, and `error WHAT` for each failed call (retried).
 * node bin/tsx.js bench/faults/pull-worker.ts PORTS SPEC FILE WORKER_ID LEASE_S WORK_MS
 */
import { appendFileSync } from 'node:fs';
import type { Tuple } from '@passerine/cbor';
import { dict, FailoverCborClient } from './cbor-client.ts';

const [portList, spec, file, workerId, leaseS, workMs] = process.argv.slice(2);
const client = new FailoverCborClient(portList.split(',').map(Number));
const record = (line: string) => appendFileSync(file, `${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let running = true;
process.once('SIGTERM', () => {
  running = false;
});

async function finish(key: string): Promise<void> {
  for (;;) {
    try {
      const answer = (await client.call('update_work_unit', [
        spec,
        key,
        dict({ status: 4, worker_id: workerId }),
      ])) as Tuple;
      const [ok] = answer.items;
      record(`${ok ? 'finished' : 'refused'} ${key} ${Date.now()}`);
      return;
    } catch (err) {
      const message = (err as Error).message;
      if (message.startsWith('refused:')) {
        record(`refused ${key} ${Date.now()}`);
        return;
      }
      record(`error update_work_unit ${message.replace(/\s+/g, '_')}`);
      await sleep(200);
    }
  }
}

while (running) {
  try {
    const options = dict({ max_jobs: 1, lease_time: Number(leaseS), work_spec_names: [spec] });
    const [work] = ((await client.call('get_work', [workerId, options])) as Tuple).items;
    const [gotSpec, key] = (work as Tuple).items;
    if (gotSpec === null) {
      await sleep(100);
      continue;
    }
    record(`start ${key} ${Date.now()}`);
    await sleep(Number(workMs));
    record(`end ${key} ${Date.now()}`);
    await finish(String(key));
  } catch (err) {
    record(`error get_work ${(err as Error).message.replace(/\s+/g, '_')}`);
    await sleep(200);
  }
}
client.close();
