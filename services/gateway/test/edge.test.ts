import {
  buildRequest,
  CborMap,
  type CborValue,
  encodeFrame,
  type RpcParams,
  Tuple,
  utf8,
} from '@passerine/cbor';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../cbor-rpc/test-client.ts';
import { type EdgeTransport, startCoordinateEdge } from './test-gateway.ts';

let server: TestServer;
let edge: Awaited<ReturnType<typeof startCoordinateEdge>>;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

const frame = (id: number, method: string, params: RpcParams = []) =>
  encodeFrame(buildRequest(id, method, params));
const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);

/** One request at a time over a client, returning its result or throwing its error message. */
function rpc(c: TestClient) {
  let id = 0;
  return async (method: string, params: RpcParams = []): Promise<CborValue> => {
    const before = c.messages.length;
    c.write(frame(++id, method, params));
    const answers = await c.responses(before + 1);
    const answer = answers[before];
    if ('error' in answer) throw new Error(answer.error.message);
    return answer.result;
  };
}

const items = (value: CborValue) => (value as Tuple).items;

describe.each<EdgeTransport>(['nats', 'local'])(
  'Coordinate over CBOR-RPC, end to end (store calls: %s)',
  (transport) => {
    beforeAll(async () => {
      edge = await startCoordinateEdge(await server.connect(), { transport });
    });

    afterAll(async () => {
      // The local transport answered the calls itself: none of them fell back to NATS unseen.
      if (transport === 'local') expect(edge.local!.answered).toBeGreaterThan(100);
      await edge?.close();
    });

    it('answers pipelined requests in order, each as if alone', async () => {
      const c = await edge.client();
      const call = rpc(c);
      await call('set_work_spec', [dict({ name: 'pipe' })]);
      const frames = Array.from({ length: 200 }, (_, i) =>
        frame(1000 + i, 'add_work_units', ['pipe', [new Tuple([`k${i}`, dict({ i })])]]),
      );
      c.write(Buffer.concat(frames));
      const answers = await c.responses(1 + 200);
      expect(answers.slice(1).map((a) => a.id)).toEqual(frames.map((_, i) => 1000 + i));
      expect(answers.slice(1).every((a) => 'result' in a && items(a.result)[0] === true)).toBe(true);
      expect(items(await call('count_work_units', ['pipe']))[0]).toEqual(new CborMap([[1, 200]]));
    });

    it('serves hundreds of connections doing get_work / finish cycles, each unit handed out once', async () => {
      const connections = 300;
      const units = 900;
      const setup = rpc(await edge.client());
      await setup('set_work_spec', [dict({ name: 'many' })]);
      await setup('add_work_units', [
        'many',
        Array.from({ length: units }, (_, i) => new Tuple([`u${i}`, dict({ i })])),
      ]);
      const seen: string[] = [];
      const clients = await Promise.all(Array.from({ length: connections }, () => edge.client()));
      await Promise.all(
        clients.map(async (client, n) => {
          const call = rpc(client);
          for (;;) {
            const [work] = items(
              await call('get_work', [
                `w${n}`,
                dict({ max_jobs: 1, lease_time: 60, work_spec_names: ['many'] }),
              ]),
            );
            const [spec, key] = items(work);
            if (spec === null) return;
            seen.push(key as string);
            const [ok] = items(await call('update_work_unit', [spec, key, dict({ status: 4 })]));
            expect(ok).toBe(true);
          }
        }),
      );
      expect(new Set(seen).size).toBe(units);
      expect(seen).toHaveLength(units);
      expect(items(await setup('count_work_units', ['many']))[0]).toEqual(new CborMap([[4, units]]));
    });

    it('takes keyword params, and answers a batch array with an array', async () => {
      const c = await edge.client();
      const call = rpc(c);
      await call('set_work_spec', dict({ work_spec: dict({ name: 'kw', weight: 3 }) }));
      expect(await call('get_work_spec', new CborMap([[utf8('work_spec_name'), 'kw']]))).toEqual(
        dict({ name: 'kw', weight: 3 }),
      );
      const before = c.messages.length;
      c.write(encodeFrame([buildRequest(90, 'get_work_spec', ['kw']), buildRequest(91, 'no_such', [])]));
      await c.until(() => c.messages.length > before, 'the batch answer');
      const batch = c.messages[before] as CborValue[];
      expect(Array.isArray(batch)).toBe(true);
      expect(batch).toHaveLength(2);
    });

    it('splits add_work_units larger than one internal request', async () => {
      const call = rpc(await edge.client());
      await call('set_work_spec', [dict({ name: 'big' })]);
      const n = 10_500;
      const added = await call('add_work_units', [
        'big',
        Array.from({ length: n }, (_, i) => new Tuple([`b${i}`, null])),
      ]);
      expect(items(added)).toEqual([true, null]);
      expect(items(await call('count_work_units', ['big']))[0]).toEqual(new CborMap([[1, n]]));
    });

    it('answers wrong types with errors naming the field, and keeps serving', async () => {
      const call = rpc(await edge.client());
      await expect(call('get_work', [123, dict({})])).rejects.toThrow(
        'worker_id must be a text or byte string',
      );
      await expect(call('add_work_units', ['x', 'not a list'])).rejects.toThrow(
        'work_unit_key_vals must be a list',
      );
      await expect(call('add_work_units', ['x', [new Tuple([1, null])]])).rejects.toThrow(
        'work_unit_key_vals[0] key',
      );
      await expect(call('get_work_units', ['x', dict({ limit: 'ten' })])).rejects.toThrow(
        'limit must be a number',
      );
      await expect(call('get_work', ['w', dict({ max_jobs: 0 })])).rejects.toThrow(
        'max_jobs must be a positive integer',
      );
      await expect(call('count_work_units', ['a', 'b'])).rejects.toThrow(
        'count_work_units() takes exactly 1 argument (work_spec_name), got 2',
      );
      await expect(call('get_work_spec', dict({ nme: 'x' }))).rejects.toThrow(
        "get_work_spec() has no parameter 'nme'",
      );
      await expect(call('set_work_spec', [dict({ nope: 1 })])).rejects.toThrow(
        "work_spec must have a 'name'",
      );
      await expect(call('constructor')).rejects.toThrow("no such method 'constructor'");
      expect(items(await call('count_work_units', ['missing']))).toEqual([
        false,
        utf8("no such work_spec 'missing'"),
      ]);
      await call('set_work_spec', [dict({ name: 'idle' })]);
      const idle = await call('get_work', ['w', dict({ max_jobs: 1, work_spec_names: ['idle'] })]);
      expect(items(idle)[0]).toEqual(new Tuple([null, null, null]));
    });

    it('survives garbage on one connection while another keeps working', async () => {
      const bad = await edge.client();
      const good = rpc(await edge.client());
      bad.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
      await bad.waitClosed();
      expect(items(await good('mode_counts'))[1]).toBeNull();
    });

    it('answers a pair from list_worker_modes and mode_counts, and bare values where Coordinate did', async () => {
      const call = rpc(await edge.client());
      await call('worker_heartbeat', ['wm', 'IDLE', 60, dict({}), null]);
      // Id and mode come back in the kind the worker sent them, as the original keeps them.
      expect(items(await call('list_worker_modes'))[0]).toEqual(new CborMap([['wm', 'IDLE']]));
      const stats = (await call('worker_stats')) as CborMap;
      expect(stats).toBeInstanceOf(CborMap);
      expect(typeof (await call('archive', [dict({ max_age: 0 })]))).toBe('number');
      expect(items(await call('worker_unregister', ['wm']))).toEqual([true, null]);
    });
  },
);
