import { CborMap, encodeValue } from '@passerine/cbor';
import { silentLogger } from '@passerine/core';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { startStore } from '@passerine/store/testing';
import { createHttpServer, type HttpServerOptions } from '../http/index.ts';

export const cbor = (fields: Record<string, unknown>) => encodeValue(CborMap.fromObject(fields as never));

/**
 * What the operations routes need on one prefix of a real nats-server: a frontend and a node
 * monitor (jobs), a store replica (work units), and the gateway's HTTP server on a free port.
 */
export async function startOperationsBed(options: Partial<HttpServerOptions> = {}) {
  const cluster: SchedulingCluster = await startSchedulingCluster();
  await cluster.addFrontend();
  await cluster.addNode({ id: 'n0', slots: 4 });
  await cluster.waitForNodes(1);
  const { store, client } = await startStore(cluster.nc, { prefix: cluster.names.prefix });
  const http = createHttpServer({
    nc: cluster.nc,
    names: cluster.names,
    namespace: 'default',
    logger: silentLogger(),
    ...options,
  });
  const base = `http://127.0.0.1:${await http.listen('127.0.0.1', 0)}`;
  return {
    cluster,
    api: client,
    http,
    base,
    async request(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
      // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields an answer has
    ): Promise<{ status: number; json: any }> {
      const res = await fetch(base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    /** A spec whose units fail: each key taken by a worker and failed with this traceback. */
    async failUnits(spec: string, keys: string[], traceback: string) {
      await client.call('setWorkSpec', { spec: cbor({ name: spec }) });
      await client.call('addWorkUnits', { spec, units: keys.map((key) => ({ key, data: cbor({ key }) })) });
      await client.call('workerHeartbeat', { workerId: 'w-fail', expireSeconds: 60 });
      const taken = await client.call<'getWork', Array<{ attempt_id: string }>>('getWork', {
        workerId: 'w-fail',
        specs: [spec],
        maxJobs: keys.length,
      });
      for (const t of taken)
        await client.call('failAttempt', { attemptId: t.attempt_id, data: cbor({ traceback }) });
    },
    async close() {
      await http.close();
      await store.stop();
      await cluster.stop();
    },
  };
}
