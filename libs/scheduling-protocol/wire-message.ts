import { decode, type Logger } from '@passerine/core';

/**
 * A message between frontends and node monitors, decoded; undefined (and a warning naming `what`)
 * when it is not msgpack. Such a message is dropped: it comes from a bug or a version mismatch,
 * and the sender's timeouts cover what it meant.
 */
export function decodeOrDrop<T>(data: Uint8Array, logger: Logger, what: string): Partial<T> | undefined {
  try {
    return decode<Partial<T>>(data);
  } catch (err) {
    logger.warn({ err }, `undecodable ${what} dropped`);
    return undefined;
  }
}
