import { ByteWriter } from './byte-writer.ts';
import { encodeInto } from './encode.ts';
import type { CborValue } from './value.ts';

/** 16 MiB: far above any real Coordinate message, low enough that one client cannot exhaust memory. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * One wire message: tag 24 ("embedded CBOR") around a byte string holding the CBOR of the value.
 * The byte-string head uses the shortest length form, as the Python server's does.
 */
export function encodeFrame(value: CborValue): Uint8Array {
  // The payload is framed straight from a reused encoder buffer: one copy, no allocation but
  // the frame. Safe to share because encoding is synchronous and calls no user code.
  scratch.reset();
  return wrapFrame(encodeInto(scratch, value).written());
}

const scratch = new ByteWriter();

/** Frames an already encoded payload, into one buffer of exactly the frame's size. */
export function wrapFrame(payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const extra = length < 24 ? 0 : length <= 0xff ? 1 : length <= 0xffff ? 2 : length <= 0xffffffff ? 4 : 8;
  const frame = new Uint8Array(3 + extra + length);
  frame[0] = 0xd8;
  frame[1] = 24;
  const view = new DataView(frame.buffer);
  if (extra === 0) frame[2] = 0x40 | length;
  else if (extra === 1) {
    frame[2] = 0x58;
    frame[3] = length;
  } else if (extra === 2) {
    frame[2] = 0x59;
    view.setUint16(3, length);
  } else if (extra === 4) {
    frame[2] = 0x5a;
    view.setUint32(3, length);
  } else {
    frame[2] = 0x5b;
    view.setBigUint64(3, BigInt(length));
  }
  frame.set(payload, 3 + extra);
  return frame;
}
