import { silentLogger } from '@passerine/core';
import { createCborRpcServer, createCoordinateHandler } from '@passerine/gateway';
import { LocalRpc, type NatsConnection } from '@passerine/natsconn';
import { startStore } from '@passerine/store/testing';

/**
 * A store on a fresh prefix and Coordinate's CBOR-RPC edge before it, on a free loopback port; the
 * edge calls the store over NATS, or (`local`) as `passerine up` does when both share a process.
 */
export async function startCoordinateEdge(nc: NatsConnection, transport: 'nats' | 'local' = 'nats') {
  const { store, client } = await startStore(nc, {
    local: transport === 'local' ? new LocalRpc() : undefined,
  });
  const server = createCborRpcServer({
    handler: createCoordinateHandler(client, 'default'),
    port: 0,
    logger: silentLogger(),
  });
  const { port } = await server.listen();
  return {
    port,
    async close() {
      await server.close();
      await store.stop();
    },
  };
}
