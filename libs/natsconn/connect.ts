import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '@passerine/core';

export type { NatsConnection };

export interface ConnectOptions {
  servers: string | string[];
  name?: string;
  /** How long to keep trying the first connection (ms). */
  timeoutMs?: number;
}

/** Connects with reconnects forever: a broker restart or failover must not need a manual restart. */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await connect({
        servers: options.servers,
        name: options.name ?? 'passerine',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        pingInterval: 10_000,
        // nats.js captures a stack trace per request otherwise, a cost that shows at high request rates.
        noAsyncTraces: true,
      });
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new UnavailableError(
    `cannot connect to NATS at ${options.servers} (${(lastError as Error)?.message})`,
  );
}

/** Waits until JetStream answers on this connection (a fresh cluster needs a meta leader first). */
export async function waitForJetStream(nc: NatsConnection, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      await jsm.getAccountInfo();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new UnavailableError(`JetStream is not available (${(lastError as Error)?.message})`);
}
