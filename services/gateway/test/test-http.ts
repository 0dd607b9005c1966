import { CborMap, encodeValue } from '@passerine/cbor';
import { silentLogger } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import { startStore } from '@passerine/store/testing';
import { createHttpServer, type HttpServerOptions } from '../http/index.ts';

/** A store replica on a fresh prefix and the gateway's HTTP server before it on a free loopback port. */
export async function startHttpEdge(nc: NatsConnection, options: Partial<HttpServerOptions> = {}) {
  const { store, client, names } = await startStore(nc);
  const http = createHttpServer({ nc, names, namespace: 'default', logger: silentLogger(), ...options });
  const port = await http.listen('127.0.0.1', 0);
  const base = `http://127.0.0.1:${port}`;
  return {
    api: client,
    names,
    http,
    port,
    base,
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields an answer has
    async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
      const res = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async addSpec(name: string, keys: Array<string | Uint8Array>) {
      await client.call('setWorkSpec', { spec: encodeValue(CborMap.fromObject({ name })) });
      for (let i = 0; i < keys.length; i += 10_000) {
        await client.call('addWorkUnits', {
          spec: name,
          units: keys
            .slice(i, i + 10_000)
            .map((key) => ({ key, data: encodeValue(CborMap.fromObject({ n: 1 })) })),
        });
      }
    },
    async close() {
      await http.close();
      await store.stop();
    },
  };
}
