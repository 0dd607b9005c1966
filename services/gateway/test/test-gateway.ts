import { LocalRpc, type NatsConnection } from '@passerine/natsconn';
import { silentLogger } from '@passerine/core';
import { createCborRpcServer } from '../cbor-rpc/index.ts';
import { createCoordinateHandler } from '../coordinate/index.ts';
import { TestClient } from '../cbor-rpc/test-client.ts';
import { startStore } from '@passerine/store/testing';

/** Counts the calls it answers, so a test knows they did not go over NATS. */
export class CountingLocalRpc extends LocalRpc {
  answered = 0;

  override call<Res>(subject: string, request: unknown): Promise<Res> | undefined {
    const answer = super.call<Res>(subject, request);
    if (answer) this.answered++;
    return answer;
  }
}

/** How the edge reaches the store: over NATS, or by local calls (the store in the same process). */
export type EdgeTransport = 'nats' | 'local';

/**
 * A store replica on a fresh prefix and the gateway's CBOR-RPC edge in front of it on a free
 * loopback port. `close()` stops both and every client opened through `client()`.
 */
export async function startCoordinateEdge(
  nc: NatsConnection,
  options: { maxConnections?: number; transport?: EdgeTransport } = {},
) {
  const local = options.transport === 'local' ? new CountingLocalRpc() : undefined;
  const { store, client: api, names } = await startStore(nc, { local });
  const server = createCborRpcServer({
    handler: createCoordinateHandler(api, 'default'),
    port: 0,
    logger: silentLogger(),
    maxConnections: options.maxConnections,
  });
  const { port } = await server.listen();
  const clients: TestClient[] = [];
  return {
    api,
    names,
    local,
    port,
    server,
    async client() {
      const c = await TestClient.open(port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      await store.stop();
    },
  };
}
