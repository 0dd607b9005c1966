import { fromWireError, type Logger, toWireError } from '@passerine/core';

/** A handler served in this process: the operation is the subject's last token. */
export type LocalHandler = (operation: string, request: unknown) => Promise<unknown> | unknown;

/**
 * Request/reply between services that share a process, under the contract of serveRpc and
 * requestRpc: the same handler answers, and a thrown error reaches the caller as the coded error
 * the wire would have carried (code, message, details). What it skips is the trip through
 * nats-server, both ends' NATS protocol work and the msgpack encoding of request and answer
 * (measured in bench/RESULTS.md). Values therefore pass by reference: a caller hands over a
 * request it no longer changes and reads the answer as soon as it arrives, leaving it as it is
 * (an answer may share parts with the server's state). A subject nobody serves here is the
 * caller's to send over NATS.
 */
export class LocalRpc {
  private readonly served = new Map<string, { handler: LocalHandler; logger?: Logger }>();

  /** Serves every subject `prefix` + operation until the returned function is called. */
  serve(prefix: string, handler: LocalHandler, logger?: Logger): () => void {
    const entry = { handler, logger };
    this.served.set(prefix, entry);
    return () => {
      if (this.served.get(prefix) === entry) this.served.delete(prefix);
    };
  }

  /** Whether a call on `subject` would be answered here. */
  serves(subject: string): boolean {
    return this.served.has(prefixOf(subject));
  }

  /** Calls the local server of `subject`; undefined when none serves it (send it over NATS). */
  call<Res>(subject: string, request: unknown): Promise<Res> | undefined {
    const prefix = prefixOf(subject);
    const entry = this.served.get(prefix);
    if (!entry) return undefined;
    return answer<Res>(entry, subject.slice(prefix.length), request, subject);
  }
}

function prefixOf(subject: string): string {
  return subject.slice(0, subject.lastIndexOf('.') + 1);
}

async function answer<Res>(
  entry: { handler: LocalHandler; logger?: Logger },
  operation: string,
  request: unknown,
  subject: string,
): Promise<Res> {
  try {
    return (await entry.handler(operation, request)) as Res;
  } catch (err) {
    const wire = toWireError(err);
    if (wire.code === 'internal') entry.logger?.error({ err, subject }, 'request failed');
    throw fromWireError(wire);
  }
}
