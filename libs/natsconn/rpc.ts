import {
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  PermissionViolationError,
  type Subscription,
} from '@nats-io/transport-node';
import {
  decode,
  encode,
  ForbiddenError,
  fromWireError,
  limits,
  type Logger,
  TimeoutError,
  UnavailableError,
  toWireError,
  type WireError,
} from '@passerine/core';
import { inboxOf } from './connect.ts';
import { injectTrace, runInTraceOf, tracingActive } from '@passerine/metrics';

/**
 * Every internal reply is either { ok: value } or { err: WireError }: what serveRpc answers and
 * requestRpc reads. Services that answer a message by hand (served only under a condition) build it
 * with okReply / errReply and send it with sendReply.
 */
export type Reply<T> = { ok: T } | { err: WireError };

export function okReply<T>(value: T): { ok: T } {
  return { ok: value };
}

/** A thrown error as it goes on the wire: its code, message and details (see toWireError). */
export function errReply(err: unknown): { err: WireError } {
  return { err: toWireError(err) };
}

/** Answers a request; a reply that cannot be sent (the connection closed) is logged, not thrown. */
export function sendReply(msg: Msg, reply: Reply<unknown>, logger?: Logger): void {
  if (!msg.reply) return;
  try {
    msg.respond(encode(reply));
  } catch (err) {
    logger?.warn({ err, subject: msg.subject }, 'cannot send reply');
  }
}

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
      // A request sent inside a traced call carries its trace: the handler's spans join it.
      void runInTraceOf(msg.headers, () => answer(msg, handler, options.logger));
    },
  });
}

async function answer<Req, Res>(msg: Msg, handler: RpcHandler<Req, Res>, logger?: Logger): Promise<void> {
  let reply: Reply<Res>;
  try {
    const request = (msg.data.length ? decode(msg.data) : undefined) as Req;
    reply = okReply(await handler(request, msg));
  } catch (err) {
    const failed = errReply(err);
    if (failed.err.code === 'internal') logger?.error({ err, subject: msg.subject }, 'request failed');
    reply = failed;
  }
  sendReply(msg, reply, logger);
}

/** Sends a request and returns its `ok` value, or throws the coded error the server answered. */
export async function requestRpc<Res>(
  nc: NatsConnection,
  subject: string,
  request: unknown,
  timeoutMs: number = limits.requestTimeoutMs,
): Promise<Res> {
  let traced: { headers: MsgHdrs } | undefined;
  if (tracingActive()) {
    traced = { headers: natsHeaders() };
    injectTrace(traced.headers);
  }
  const answer = await requestMessage(nc, subject, encode(request), timeoutMs, traced);
  const reply = decode<Reply<Res>>(answer.data);
  if ('err' in reply) throw fromWireError(reply.err);
  return reply.ok;
}

export interface RequestMessageOptions {
  headers?: MsgHdrs;
  /**
   * Publish now rather than with the other requests of this event-loop turn: for a caller that
   * batches its own requests already (a group commit), waiting for the turn's end only adds delay.
   */
  atOnce?: boolean;
}

/**
 * Sends a request and returns the answer as it came: for peers whose replies are not Passerine's
 * `{ ok }` / `{ err }` (JetStream's acknowledgements). No answer in time is a TimeoutError, nobody
 * serving the subject an UnavailableError.
 */
export function requestMessage(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  timeoutMs: number,
  options: RequestMessageOptions = {},
): Promise<Msg> {
  let requester = requesters.get(nc);
  try {
    if (!requester || requester.closed) {
      requester = new Requester(nc);
      requesters.set(nc, requester);
    }
    return requester.request(subject, data, timeoutMs, options);
  } catch (err) {
    return Promise.reject(
      new UnavailableError(`request on ${subject} failed: ${(err as Error).message ?? String(err)}`),
    );
  }
}

interface OutgoingRequest {
  subject: string;
  data: Uint8Array;
  token: string;
  headers?: MsgHdrs;
}

interface Pending {
  subject: string;
  /** When it gives up (ms since the epoch), and after how long. */
  deadline: number;
  timeoutMs: number;
  resolve(answer: Msg): void;
  reject(err: unknown): void;
}

/**
 * How often a requester looks for requests past their deadline: a timeout fires up to this late.
 * One sweep for all of them rather than a timer each, set and cleared around every request.
 */
const EXPIRY_SWEEP_MS = 100;

/** The requester of each connection, made on its first request; it lives as long as the connection. */
const requesters = new WeakMap<NatsConnection, Requester>();

/**
 * Request/reply over one inbox subscription per connection. nats.js `request` costs a stack
 * trace (a "cancelled" error built for every answered request), a deferred and a timer wrapper
 * per call, which at a busy client's request rates is a share of its CPU (bench/RESULTS.md). Here
 * a request is a map entry, and one sweep every EXPIRY_SWEEP_MS times them out.
 * Requests made in one event-loop turn are published together, so nats.js writes them to the
 * socket once instead of once per request (each socket read of a gateway starts one request).
 */
class Requester {
  closed = false;
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private readonly subscription: Subscription;
  private nextToken = 0;
  private outbox: OutgoingRequest[] = [];
  /** The connection keeps the process alive, not this. */
  private readonly expirySweep = setInterval(() => this.expire(), EXPIRY_SWEEP_MS).unref();

  constructor(private readonly nc: NatsConnection) {
    this.inbox = `${inboxOf(nc)}.`;
    this.subscription = nc.subscribe(`${this.inbox}*`, { callback: (err, msg) => this.receive(err, msg) });
    void this.subscription.closed.then(() => this.close());
    void this.watchRefusals();
  }

  /**
   * A publish the server's permissions refuse is dropped with an error on the connection, not on
   * the request: without this the caller would wait out its timeout and learn nothing.
   */
  private async watchRefusals(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (this.closed) return;
      const error = status.type === 'error' ? status.error : undefined;
      if (!(error instanceof PermissionViolationError) || error.operation !== 'publish') continue;
      for (const [token, pending] of this.pending) {
        if (pending.subject !== error.subject) continue;
        this.settle(
          token,
          new ForbiddenError(`NATS refused this connection's user to publish on ${error.subject}`),
        );
      }
    }
  }

  request(
    subject: string,
    data: Uint8Array,
    timeoutMs: number,
    options: RequestMessageOptions,
  ): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      const token = (this.nextToken++).toString(36);
      this.pending.set(token, { subject, deadline: Date.now() + timeoutMs, timeoutMs, resolve, reject });
      const request: OutgoingRequest = { subject, data, token, headers: options.headers };
      if (options.atOnce) {
        this.publish(request);
        return;
      }
      if (this.outbox.length === 0) setImmediate(() => this.publishAll());
      this.outbox.push(request);
    });
  }

  private publishAll(): void {
    const outbox = this.outbox;
    this.outbox = [];
    for (const request of outbox) this.publish(request);
  }

  private publish({ subject, data, token, headers }: OutgoingRequest): void {
    if (!this.pending.has(token)) return;
    try {
      this.nc.publish(subject, data, { reply: this.inbox + token, headers });
    } catch (err) {
      this.settle(
        token,
        new UnavailableError(`request on ${subject} failed: ${(err as Error).message ?? String(err)}`),
      );
    }
  }

  private receive(err: Error | null, msg: Msg): void {
    if (err) {
      this.close(err);
      return;
    }
    const token = msg.subject.slice(this.inbox.length);
    const pending = this.pending.get(token);
    if (!pending) return;
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      // Nothing was processed: safe to retry (the details say so).
      this.settle(token, new UnavailableError(`nobody serves ${pending.subject}`, { retryable: true }));
      return;
    }
    this.settle(token, undefined, msg);
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, { subject, deadline, timeoutMs }] of this.pending) {
      if (deadline <= now)
        this.settle(token, new TimeoutError(`no answer on ${subject} within ${timeoutMs} ms`));
    }
  }

  private settle(token: string, err: unknown, answer?: Msg): void {
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    if (err === undefined) pending.resolve(answer!);
    else pending.reject(err);
  }

  private close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.expirySweep);
    const text = err?.message ?? 'connection closed';
    for (const [token, pending] of this.pending) {
      this.settle(token, new UnavailableError(`request on ${pending.subject} failed: ${text}`));
    }
    if (err) this.subscription.unsubscribe();
  }
}
