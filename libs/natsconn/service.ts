import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock, IdSource, Logger } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import type { LocalRpc } from './local-rpc.ts';

/** What every service is handed: no module-level singletons, everything passed in. */
export interface ServiceContext {
  nc: NatsConnection;
  names: Names;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  /**
   * Calls between services of this process that skip nats-server (the store leader serves the
   * gateway here when both run in one process); absent, every call goes over NATS.
   */
  local?: LocalRpc;
}

/** A Passerine service: one actor kind, any number of replicas, all runnable in one process. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Stops serving and releases what it holds; the shared connection is drained by the caller. */
  stop(): Promise<void>;
  /** Where it listens, for `passerine up` to print and record (e.g. { cbor: 'tcp://127.0.0.1:5932' }). */
  endpoints?(): Record<string, string>;
}
