import { jetstreamManager } from '@nats-io/jetstream';
import { setSha256Backend } from '@nats-io/obj';
import { type ConnectionOptions, connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '@passerine/core';

export type { NatsConnection };

export interface ConnectOptions {
  servers: string | string[];
  name?: string;
  /** How long to keep trying the first connection (ms). */
  timeoutMs?: number;
  /** A role's credential, when the server requires one. */
  user?: string;
  pass?: string;
  /** Where replies arrive; a worker's credential allows only its own prefix. */
  inboxPrefix?: string;
  /** TLS towards the server: the authority to trust, and this client's certificate when it must show one. */
  tls?: ConnectionOptions['tls'];
}

/** Errors no retry can cure: the server refused who we are, so trying again only hides it. */
function refusedIdentity(err: unknown): boolean {
  const message = String((err as Error)?.message ?? '');
  return /authorization|authentication|permissions violation|certificate|self.signed|unable to verify/i.test(
    message,
  );
}

/** A fresh inbox on this connection, under its inbox prefix (the only one a worker may read). */
export function inboxOf(nc: NatsConnection): string {
  const options = (nc as { options?: ConnectionOptions }).options;
  return createInbox(options?.inboxPrefix);
}

/** Connects with reconnects forever: a broker restart or failover must not need a manual restart. */
export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  // Object stores (snapshots, the event archive, artifacts) hash every chunk; nats.js hashes in
  // JavaScript unless told it runs on Node, which held a store leader's loop for seconds per
  // snapshot. The digest is the same either way.
  setSha256Backend('native');
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
        // One attempt never outlasts the caller's patience (nats.js waits 20 s by default).
        timeout: Math.max(500, deadline - Date.now()),
        ...(options.user !== undefined && { user: options.user, pass: options.pass }),
        ...(options.inboxPrefix !== undefined && { inboxPrefix: options.inboxPrefix }),
        ...(options.tls !== undefined && { tls: options.tls }),
      });
    } catch (err) {
      lastError = err;
      if (refusedIdentity(err)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // A server that refuses a client's certificate closes the handshake without a word to nats.js.
  const hint =
    options.tls && /timeout/i.test(String((lastError as Error)?.message))
      ? '; over TLS this is also how a server refuses a client certificate it does not trust'
      : '';
  throw new UnavailableError(
    `cannot connect to NATS at ${options.servers} (${(lastError as Error)?.message}${hint})`,
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
