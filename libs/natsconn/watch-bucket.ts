import { decode } from '@passerine/core';

/** What a watch of a KV bucket brings: the parts of @nats-io/kv's entry read here. */
interface WatchedEntry {
  key: string;
  value: Uint8Array;
  operation: 'PUT' | 'DEL' | 'PURGE';
  /** Entries still to come of those present when the watch opened; 0 on the last. */
  delta?: number;
}

/** A KV bucket as far as a watch needs it (structural, so this library needs no KV dependency). */
export interface WatchableBucket {
  watch(): Promise<AsyncIterable<WatchedEntry> & { stop(): void }>;
  status(): Promise<{ values: number }>;
}

export interface BucketWatchHandlers<T> {
  put(key: string, value: T): void;
  /** The key was deleted or purged. */
  remove(key: string): void;
  /** A value that does not decode: skipped (an unreadable advert is no member). */
  unreadable?(key: string, err: unknown): void;
  /** After each entry has been handled. */
  changed?(): void;
}

/** Longest a watch waits for the entries present at its start before it serves what it has. */
const READY_WITHIN_MS = 2_000;

/**
 * Keeps `handlers` told of a bucket's entries, msgpack-decoded; resolves once the entries present
 * when it opened have been handled (an empty bucket sends none, so its status is asked), or after
 * two seconds with what has come. Membership views, the client's node offers and the version gate
 * each keep a map this way.
 */
export async function watchBucket<T>(
  bucket: WatchableBucket,
  handlers: BucketWatchHandlers<T>,
): Promise<{ stop(): void }> {
  const iterator = await bucket.watch();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  void (async () => {
    for await (const entry of iterator) {
      if (entry.operation === 'PUT') {
        try {
          handlers.put(entry.key, decode<T>(entry.value));
        } catch (err) {
          handlers.unreadable?.(entry.key, err);
        }
      } else handlers.remove(entry.key);
      if (entry.delta === 0) markReady();
      handlers.changed?.();
    }
  })();
  if ((await bucket.status()).values === 0) markReady();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ready, new Promise((r) => (timer = setTimeout(r, READY_WITHIN_MS)))]);
  clearTimeout(timer);
  return iterator;
}
