import { silentLogger } from '@passerine/core';
import { createCborRpcServer, createCoordinateHandler } from '@passerine/gateway';
import type { NatsConnection } from '@passerine/natsconn';
import { startStore } from '@passerine/store/testing';

/** A store on a fresh prefix and Coordinate's CBOR-RPC edge before it, on a free loopback port. */
export async function startCoordinateEdge(nc: NatsConnection) {
  const { store, client } = await startStore(nc);
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
