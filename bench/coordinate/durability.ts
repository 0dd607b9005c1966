import { CborMap, type CborValue, mapGet, Tuple, utf8 } from '@passerine/cbor';
import { CborConnection } from '../cbor-connection.ts';

const SPEC = 'durability';
const FINISHED = 4;

const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields, 'bytes');
const itemsOf = (v: CborValue): CborValue[] => (v instanceof Tuple ? v.items : (v as CborValue[]));
const keyText = (key: CborValue) => Buffer.from(key as Uint8Array).toString('latin1');

/** Adds `units` units to the durability spec. */
export async function fillDurabilitySpec(port: number, units: number): Promise<void> {
  const c = await CborConnection.open(port);
  await c.call('set_work_spec', [dict({ name: utf8(SPEC) })]);
  for (let from = 0; from < units; from += 1000) {
    const batch = Array.from(
      { length: Math.min(1000, units - from) },
      (_, i) => new Tuple([utf8(`d${from + i}`), dict({ n: from + i })]),
    );
    await c.call('add_work_units', [utf8(SPEC), batch]);
  }
  c.close();
}

/**
 * Workers cycling on the durability spec until their connection breaks (the kill): every unit
 * whose finish was answered [true, ...] is recorded as acknowledged.
 */
export function cycleUntilCut(port: number, workers: number) {
  const acknowledged = new Set<string>();
  const loops = Array.from({ length: workers }, async (_, k) => {
    const c = await CborConnection.open(port);
    const worker = utf8(`dw${k}`);
    try {
      for (;;) {
        const [work] = itemsOf(await c.call('get_work', [worker, dict({ max_jobs: 1, lease_time: 300 })]));
        const [spec, key] = itemsOf(work);
        if (spec === null) return;
        const [ok] = itemsOf(
          await c.call('update_work_unit', [spec, key, dict({ status: FINISHED, worker_id: worker })]),
        );
        if (ok === true) acknowledged.add(keyText(key));
      }
    } catch {
      // The server was killed: the loop ends with what it saw acknowledged.
    } finally {
      c.close();
    }
  });
  return { acknowledged, done: Promise.all(loops) };
}

/** Of the acknowledged keys, those whose unit is not FINISHED after the restart. */
export async function unfinished(port: number, keys: string[]): Promise<string[]> {
  const c = await CborConnection.open(port);
  const lost: string[] = [];
  for (let from = 0; from < keys.length; from += 1000) {
    const chunk = keys.slice(from, from + 1000);
    const [statuses] = itemsOf(
      await c.call('get_work_unit_status', [utf8(SPEC), chunk.map((k) => Buffer.from(k, 'latin1'))]),
    );
    itemsOf(statuses).forEach((status, i) => {
      const value = status instanceof CborMap ? mapGet(status, 'status') : undefined;
      if (value !== FINISHED) lost.push(chunk[i]);
    });
  }
  c.close();
  return lost;
}
