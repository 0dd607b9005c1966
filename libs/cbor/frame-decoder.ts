import { CorruptError, PasserineError, TooLargeError } from '@passerine/core';
import { decodeValue } from './decode.ts';
import { DEFAULT_MAX_FRAME_BYTES } from './frame.ts';
import { toHex } from './utf8.ts';
import type { CborValue } from './value.ts';

export interface FrameDecoderOptions {
  /** Largest payload accepted; a longer declared length is refused before any buffering. */
  maxFrameBytes?: number;
}

/** Tag 24 head (2 bytes) plus the longest byte-string head (9 bytes). */
const MAX_HEAD_BYTES = 11;

/**
 * Turns a TCP byte stream into decoded messages. Feed it chunks as they arrive, split anywhere;
 * `push` yields every message the chunk completes. Framing errors (not tag 24 around a byte
 * string, an oversized length) and undecodable payloads are thrown at the point they occur,
 * after the messages before them were yielded. The stream cannot be resynchronised after that,
 * so the decoder then stays failed and rethrows the same error.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private head = new Uint8Array(MAX_HEAD_BYTES);
  private headLength = 0;
  private payload: Uint8Array | null = null;
  private payloadFilled = 0;
  private failure: PasserineError | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** True when no partial frame is buffered: the stream may end here cleanly. */
  get idle(): boolean {
    return this.headLength === 0 && this.payload === null && this.failure === null;
  }

  *push(chunk: Uint8Array): Generator<CborValue, void, undefined> {
    if (this.failure) throw this.failure;
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.payload === null) {
          offset = this.readHead(chunk, offset);
          continue;
        }
        const take = Math.min(this.payload.length - this.payloadFilled, chunk.length - offset);
        this.payload.set(chunk.subarray(offset, offset + take), this.payloadFilled);
        this.payloadFilled += take;
        offset += take;
        if (this.payloadFilled === this.payload.length) yield this.completePayload();
      }
      // A zero-length payload completes as soon as its head does.
      if (this.payload !== null && this.payload.length === 0) yield this.completePayload();
    } catch (err) {
      this.failure = err instanceof PasserineError ? err : new CorruptError(String(err));
      throw this.failure;
    }
  }

  private completePayload(): CborValue {
    const payload = this.payload!;
    this.payload = null;
    this.payloadFilled = 0;
    try {
      return decodeValue(payload);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new CorruptError(`frame payload is not valid CBOR: ${reason}`);
    }
  }

  /** Consumes head bytes one at a time until the head is complete; returns the new offset. */
  private readHead(chunk: Uint8Array, offset: number): number {
    while (offset < chunk.length) {
      this.head[this.headLength++] = chunk[offset++];
      const length = this.parseHead();
      if (length === undefined) continue;
      this.headLength = 0;
      this.payload = new Uint8Array(length);
      this.payloadFilled = 0;
      return offset;
    }
    return offset;
  }

  /** The payload length once the head is complete, undefined while more head bytes are needed. */
  private parseHead(): number | undefined {
    const head = this.head;
    const n = this.headLength;
    if (head[0] !== 0xd8 || (n >= 2 && head[1] !== 24)) {
      throw new CorruptError(
        `expected a tag 24 (embedded CBOR) frame, got bytes ${toHex(head.subarray(0, n))}`,
      );
    }
    if (n < 3) return undefined;
    const initial = head[2];
    if (initial >> 5 !== 2 || (initial & 0x1f) > 27) {
      throw new CorruptError(
        `tag 24 must wrap a definite-length byte string, got initial byte 0x${initial.toString(16)}`,
      );
    }
    const info = initial & 0x1f;
    const extra = info < 24 ? 0 : 1 << (info - 24);
    if (n < 3 + extra) return undefined;
    let length = info < 24 ? info : 0;
    for (let i = 0; i < extra; i++) length = length * 256 + head[3 + i];
    if (length > this.maxFrameBytes) {
      throw new TooLargeError(`frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`, {
        length,
        maxFrameBytes: this.maxFrameBytes,
      });
    }
    return length;
  }
}
