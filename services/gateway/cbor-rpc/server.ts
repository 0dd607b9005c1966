import { createServer, type Socket } from 'node:net';
import { buildErrorResponse, DEFAULT_MAX_FRAME_BYTES, encodeFrame } from '@passerine/cbor';
import { silentLogger } from '@passerine/core';
import { serveConnection } from './connection.ts';
import { type CborRpcServerOptions, serverDefaults } from './handler.ts';

export interface CborRpcServer {
  /** Starts accepting; resolves with the bound port (useful with port 0). */
  listen(): Promise<{ port: number }>;
  /** Stops accepting and closes every connection. */
  close(): Promise<void>;
  /** Connections currently served (not counting refused ones being closed). */
  readonly connectionCount: number;
}

/** How long a refused connection gets to read its error frame before it is cut. */
const REFUSAL_GRACE_MS = 1000;

/** A Coordinate-compatible CBOR-RPC server over TCP. It knows frames and requests, not methods. */
export function createCborRpcServer(options: CborRpcServerOptions): CborRpcServer {
  const host = options.host ?? serverDefaults.host;
  const port = options.port ?? serverDefaults.port;
  const maxConnections = options.maxConnections ?? serverDefaults.maxConnections;
  const logger = (options.logger ?? silentLogger()).child({ component: 'cbor-rpc' });
  const settings = {
    handler: options.handler,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    idleTimeoutMs: options.idleTimeoutMs ?? serverDefaults.idleTimeoutMs,
    maxInFlight: options.maxInFlightPerConnection ?? serverDefaults.maxInFlightPerConnection,
    logger,
  };
  const sockets = new Set<Socket>();
  let served = 0;
  let servedHere = 0;
  let nextConnectionId = 1;
  const handOff = options.handOff;

  // Handed-off sockets must reach their process unread: paused from the accept on.
  const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: !!handOff }, (socket) => {
    if (served >= maxConnections) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      refuse(socket);
      return;
    }
    served++;
    const connectionId = nextConnectionId++;
    if (handOff?.(socket, connectionId, () => served--, servedHere)) return;
    servedHere++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      served--;
      servedHere--;
    });
    serveConnection(socket, connectionId, settings);
    if (handOff) socket.resume();
  });

  function refuse(socket: Socket): void {
    logger.warn({ maxConnections }, 'connection limit reached; refusing a connection');
    socket.on('error', () => {});
    socket.end(
      encodeFrame(buildErrorResponse(null, `server busy: ${maxConnections} connections already open`)),
    );
    setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS).unref();
  }

  return {
    get connectionCount() {
      return served;
    },

    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        // Node's default backlog (511) overflows when hundreds of workers connect at once; the
        // dropped handshakes then stall their first request for a SYN retry (1 s and more).
        server.listen({ port, host, backlog: maxConnections }, () => {
          server.off('error', reject);
          const address = server.address();
          const boundPort = typeof address === 'object' && address ? address.port : port;
          logger.info({ host, port: boundPort }, 'CBOR-RPC listening');
          resolve({ port: boundPort });
        });
      });
    },

    close() {
      return new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
  };
}
