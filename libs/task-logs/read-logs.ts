import { DeliverPolicy, type JetStreamClient, type OrderedConsumerOptions } from '@nats-io/jetstream';
import { decode } from '@passerine/core';
import { asLogBatch, type LogBatch } from './log-batch.ts';

export interface ReadLogsOptions {
  /** Subject filters of the logs stream (a source's). */
  filters: string[];
  /**
   * One filter covering all of them, for servers before 2.10, whose consumers take one filter: the
   * read then goes through more and the caller keeps its own (a source's `includes`).
   */
  covering: string;
  /** Whether the server takes several filters in one consumer (nats-server 2.10 and later). */
  manyFilters?: boolean;
  /** Keep reading as lines arrive, until the signal aborts. */
  follow?: boolean;
  /** Only batches stored at or after this time (ms since the epoch). */
  sinceMs?: number;
  signal?: AbortSignal;
}

/**
 * The batches of the logs stream under some subjects, in the order the stream stored them: an
 * attempt's batches in the order it wrote them, and the attempts of several machines as they came.
 * Without `follow` the read ends once it has caught up with the stream.
 */
export async function* readLogs(
  js: JetStreamClient,
  stream: string,
  options: ReadLogsOptions,
): AsyncGenerator<LogBatch> {
  const filter =
    options.filters.length === 1
      ? { filter_subjects: options.filters[0] }
      : options.manyFilters
        ? { filter_subjects: options.filters }
        : { filter_subjects: options.covering };
  const config: Partial<OrderedConsumerOptions> = {
    ...filter,
    ...(options.sinceMs === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(options.sinceMs).toISOString() }),
  };
  const consumer = await js.consumers.get(stream, config);
  const messages = await consumer.consume({ max_messages: 256 });
  const stop = () => messages.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    if ((await consumer.info(true)).num_pending === 0 && !options.follow) return;
    for await (const msg of messages) {
      const batch = asLogBatch(safeDecode(msg.data));
      if (batch) yield batch;
      if (msg.info.pending === 0 && !options.follow) return;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    messages.stop();
    consumer.delete().catch(() => undefined);
  }
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return decode(data);
  } catch {
    return undefined;
  }
}
