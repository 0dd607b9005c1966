import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { decodeCommit } from './commit-codec.ts';
import type { LogRecord, ReadOptions } from './types.ts';

/**
 * Commits one pull asks for while reading: at most this many are on their way at once, 64 MiB at
 * worst. Counted in messages, not bytes: nats.js refills a pull bounded by bytes with the bytes read
 * since the last one, and when the next commit is larger than that, nats-server 2.9 ends the pull
 * with "409 Message Size Exceeds MaxBytes" and nats.js waits for two missed heartbeats before it
 * pulls again: a read of many small commits followed by a large one stood still that long
 * (bench/RESULTS.md).
 */
const PULL_COMMITS = 64;
/**
 * Longest a read keeps the event loop from reading sockets. nats.js hands over the commits it has
 * received without ever waiting for I/O, so a caller that spends long on each of them (a store
 * applying commits of 10,000 units) would read nothing from its connection until it had applied
 * all of them; nats-server gives a client its write deadline (10 s) to take what it sends, then
 * cuts the connection as a slow consumer, and every request on that connection is lost with it.
 */
const IO_TURN_MS = 20;

/** Where a read is: the next sequence it wants, and whether it told the caller it caught up. */
interface ReadPosition {
  next: number;
  caughtUp: boolean;
}

/**
 * Reads one stream through ordered consumers. When nats.js replaces its consumer (a gap in the
 * delivery sequence, or a reconnect that found the consumer gone), it asks the new one for
 * `max_messages` minus what it still counted as pending from the old one: nothing, so the read
 * would stand still until two missed heartbeats (45 s) made it pull again (bench/RESULTS.md). The
 * read drops that consumer and opens a new one at the next sequence instead.
 */
export async function* readStream(
  js: JetStreamClient,
  stream: string,
  options: ReadOptions,
): AsyncGenerator<LogRecord> {
  const position: ReadPosition = { next: Math.max(1, options.fromSeq ?? 1), caughtUp: false };
  while (!options.signal?.aborted) {
    const ended = yield* readOnce(js, stream, options, position);
    if (ended) return;
  }
}

function markCaughtUp(position: ReadPosition, options: ReadOptions): void {
  if (position.caughtUp) return;
  position.caughtUp = true;
  options.onCaughtUp?.();
}

/** One consumer's share of a read; false when nats.js replaced the consumer and the read goes on. */
async function* readOnce(
  js: JetStreamClient,
  stream: string,
  options: ReadOptions,
  position: ReadPosition,
): AsyncGenerator<LogRecord, boolean> {
  const config: Partial<OrderedConsumerOptions> = {
    filter_subjects: options.filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: position.next,
  };
  const consumer = await js.consumers.get(stream, config);
  let messages: ConsumerMessages | undefined;
  let replaced = false;
  const stop = () => messages?.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const info = await consumer.info(true);
    if (info.num_pending === 0) {
      markCaughtUp(position, options);
      if (!options.follow) return true;
    }
    if (options.signal?.aborted) return true;
    messages = await consumer.consume({ max_messages: PULL_COMMITS });
    if (options.signal?.aborted) stop();
    void watchForReplacement(messages, () => {
      replaced = true;
      stop();
    });
    let turn = performance.now();
    for await (const msg of messages) {
      if (replaced) break;
      const seq = msg.seq;
      if (options.untilSeq !== undefined && seq > options.untilSeq) return true;
      const time = Math.floor(msg.info.timestampNanos / 1e6);
      if (options.untilTime !== undefined && time > options.untilTime) return true;
      position.next = seq + 1;
      yield toRecord(msg, seq, time);
      if (msg.info.pending === 0) {
        markCaughtUp(position, options);
        if (!options.follow) return true;
      }
      if (options.untilSeq !== undefined && seq >= options.untilSeq) return true;
      if (performance.now() - turn >= IO_TURN_MS) {
        await takeWhatArrived(messages);
        turn = performance.now();
      }
    }
    return !replaced || options.signal?.aborted === true;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    messages?.stop();
    // The server would keep an ordered consumer for its inactive threshold (5 minutes) after the
    // read, and every commit appended to the stream meanwhile is offered to each one it keeps.
    consumer.delete().catch(() => undefined);
  }
}

/**
 * Gives the event loop turns until one brings in no new commit. One turn reads about 2 MB of a
 * socket, and the server must hand over all it has written for a pull within its write deadline:
 * read only once per commit applied, 64 commits of 0.6 MB took longer than that under load.
 */
async function takeWhatArrived(messages: ConsumerMessages): Promise<void> {
  for (let turns = 0; turns < PULL_COMMITS; turns++) {
    const received = messages.getReceived();
    await new Promise((resolve) => setImmediate(resolve));
    if (messages.getReceived() === received) return;
  }
}

async function watchForReplacement(messages: ConsumerMessages, replaced: () => void): Promise<void> {
  for await (const status of messages.status()) {
    if (status.type === 'reset') {
      replaced();
      return;
    }
  }
}

function toRecord(msg: JsMsg, seq: number, time: number): LogRecord {
  try {
    return { kind: 'commit', seq, subject: msg.subject, time, events: decodeCommit(msg.data) };
  } catch (err) {
    return { kind: 'corrupt', seq, subject: msg.subject, time, reason: (err as Error).message };
  }
}
