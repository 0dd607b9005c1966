import { Decoder, Encoder } from '@msgpack/msgpack';
import { CorruptError } from './errors.ts';

/**
 * msgpack for every internal message and event. Binary values stay Uint8Array; maps decode to
 * plain objects. One encoder/decoder pair per process is safe because both are synchronous.
 */
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

export function encode(value: unknown): Uint8Array {
  return encoder.encode(value);
}

export function decode<T = unknown>(bytes: Uint8Array): T {
  try {
    return decoder.decode(bytes) as T;
  } catch (err) {
    throw new CorruptError(`cannot decode msgpack (${(err as Error).message})`);
  }
}
