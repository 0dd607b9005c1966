/** What an edge process needs to serve Coordinate connections on its own NATS connection. */
export interface EdgeConfig {
  natsUrl: string;
  prefix: string;
  namespace: string;
  logLevel: string;
  maxFrameBytes?: number;
  idleTimeoutMs?: number;
}

/** From the gateway to an edge process; a `connection` message carries the socket as its handle. */
export type ToEdge = { type: 'connection'; connectionId: number } | { type: 'stop' };

/** From an edge process to the gateway. */
export type FromEdge = { type: 'ready' } | { type: 'closed'; connectionId: number };

/** The environment variable an edge process reads its EdgeConfig from (JSON). */
export const EDGE_CONFIG_VARIABLE = 'PASSERINE_EDGE_CONFIG';
