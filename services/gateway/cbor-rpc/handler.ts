import type { Socket } from 'node:net';
import type { Logger } from '@passerine/core';
import type { CborValue, RpcParams } from '@passerine/cbor';

export interface CborRpcContext {
  /** Unique per server instance, counting from 1; lets a handler tie calls to one client connection. */
  connectionId: number;
}

/**
 * The method-agnostic seam between transport and application: one call per request. A thrown
 * error becomes {id, error: {message}}; the returned value (undefined counts as null) becomes
 * {id, result}.
 */
export type CborRpcHandler = (
  method: string,
  params: RpcParams,
  context: CborRpcContext,
) => Promise<CborValue | undefined> | CborValue | undefined;

export interface CborRpcServerOptions {
  handler: CborRpcHandler;
  /** Defaults to 127.0.0.1: Coordinate has no authentication, so exposure must be a choice. */
  host?: string;
  /** Coordinate's port is 5932; 0 picks a free one. */
  port?: number;
  maxFrameBytes?: number;
  /** A connection that completes no request and receives no answer for this long is closed. */
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** Requests read but not yet answered on one connection before reading pauses. */
  maxInFlightPerConnection?: number;
  logger?: Logger;
  /**
   * Offered every accepted connection (within the limit, counted here) before it is served in this
   * process: returning true means another process serves it, and `release` is called once it
   * closes there. The socket is paused and unread until then. `servedHere` is how many this
   * process serves now.
   */
  handOff?: (socket: Socket, connectionId: number, release: () => void, servedHere: number) => boolean;
}

export const serverDefaults = {
  host: '127.0.0.1',
  port: 5932,
  idleTimeoutMs: 5 * 60 * 1000,
  maxConnections: 4096,
  maxInFlightPerConnection: 1024,
} as const;
