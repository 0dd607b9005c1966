import { ByteWriter } from './byte-writer.ts';
import { encodeValue } from './encode.ts';
import type { CborValue } from './value.ts';

/** 16 MiB: far above any real Coordinate message, low enough that one client cannot exhaust memory. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * One wire message: tag 24 ("embedded CBOR") around a byte string holding the CBOR of the value.
 * The byte-string head uses the shortest length form, as the Python server's does.
 */
export function encodeFrame(value: CborValue): Uint8Array {
  return wrapFrame(encodeValue(value));
}

/** Frames an already encoded payload. */
export function wrapFrame(payload: Uint8Array): Uint8Array {
  const writer = new ByteWriter(payload.length + 11);
  writer.byte(0xd8);
  writer.byte(24);
  const length = payload.length;
  if (length < 24) writer.byte(0x40 | length);
  else if (length <= 0xff) {
    writer.byte(0x58);
    writer.byte(length);
  } else if (length <= 0xffff) {
    writer.byte(0x59);
    writer.uint16(length);
  } else if (length <= 0xffffffff) {
    writer.byte(0x5a);
    writer.uint32(length);
  } else {
    writer.byte(0x5b);
    writer.uint64(BigInt(length));
  }
  writer.bytes(payload);
  return writer.finish();
}
