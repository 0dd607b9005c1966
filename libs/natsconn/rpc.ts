import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  decode,
  encode,
  fromWireError,
  limits,
  type Logger,
  TimeoutError,
  UnavailableError,
  toWireError,
  type WireError,
} from '@passerine/core';

/** Every internal reply is either { ok: value } or { err: WireError }. */
type Reply<T> = { ok: T } | { err: WireError };

export type RpcHandler<Req, Res> = (request: Req, msg: Msg) => Promise<Res> | Res;

export interface ServeOptions {
  queue?: string;
  logger?: Logger;
}

/**
 * Serves one request subject. Handlers run concurrently; a handler that throws answers with a
 * coded error instead of crashing the process, and a request that cannot be decoded is answered
 * with a `corrupt` error naming the subject.
 */
export function serveRpc<Req, Res>(
  nc: NatsConnection,
  subject: string,
  handler: RpcHandler<Req, Res>,
  options: ServeOptions = {},
): Subscription {
  return nc.subscribe(subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        options.logger?.error({ err, subject }, 'subscription failed');
        return;
      }
      void answer(msg, handler, options.logger);
    },
  });
}

async function answer<Req, Res>(msg: Msg, handler: RpcHandler<Req, Res>, logger?: Logger): Promise<void> {
  let reply: Reply<Res>;
  try {
    const request = (msg.data.length ? decode(msg.data) : undefined) as Req;
    reply = { ok: await handler(request, msg) };
  } catch (err) {
    const wire = toWireError(err);
    if (wire.code === 'internal') logger?.error({ err, subject: msg.subject }, 'request failed');
    reply = { err: wire };
  }
  if (!msg.reply) return;
  try {
    msg.respond(encode(reply));
  } catch (err) {
    logger?.warn({ err, subject: msg.subject }, 'cannot send reply');
  }
}

/** Sends a request and returns its `ok` value, or throws the coded error the server answered. */
export async function requestRpc<Res>(
  nc: NatsConnection,
  subject: string,
  request: unknown,
  timeoutMs: number = limits.requestTimeoutMs,
): Promise<Res> {
  let msg: Msg;
  try {
    msg = await nc.request(subject, encode(request), { timeout: timeoutMs });
  } catch (err) {
    const text = (err as Error).message ?? String(err);
    if (/timeout/i.test(text)) throw new TimeoutError(`no answer on ${subject} within ${timeoutMs} ms`);
    // Nothing was processed: safe to retry (the details say so).
    if (/no responders|503/i.test(text)) throw new UnavailableError(`nobody serves ${subject}`, { retryable: true });
    throw new UnavailableError(`request on ${subject} failed: ${text}`);
  }
  const reply = decode<Reply<Res>>(msg.data);
  if ('err' in reply) throw fromWireError(reply.err);
  return reply.ok;
}
