import { CorruptError, TooLargeError } from '@passerine/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborEquals } from './equals.ts';
import { encodeFrame, wrapFrame } from './frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { CborMap } from './map.ts';
import { cborValues } from './test-arbitraries.ts';
import { fromHex, utf8 } from './utf8.ts';
import { type CborValue, tuple } from './value.ts';

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function feed(decoder: FrameDecoder, ...chunks: Uint8Array[]): CborValue[] {
  return chunks.flatMap((chunk) => [...decoder.push(chunk)]);
}

const sample = CborMap.fromObject(
  { id: 1, method: utf8('get_work'), params: [tuple(utf8('\xff'), 0.5)] },
  'bytes',
);

describe('FrameDecoder', () => {
  it('decodes a frame split at every byte position', () => {
    const frame = encodeFrame(sample);
    for (let cut = 0; cut <= frame.length; cut++) {
      const messages = feed(new FrameDecoder(), frame.subarray(0, cut), frame.subarray(cut));
      expect(messages, `cut at ${cut}`).toHaveLength(1);
      expect(cborEquals(messages[0], sample)).toBe(true);
    }
  });

  it('decodes a frame fed one byte at a time', () => {
    const frame = encodeFrame(sample);
    const decoder = new FrameDecoder();
    const messages = feed(decoder, ...[...frame].map((b) => Uint8Array.of(b)));
    expect(messages).toHaveLength(1);
    expect(decoder.idle).toBe(true);
  });

  it('yields several frames from one chunk, in order, and any chunking of a stream', () => {
    fc.assert(
      fc.property(
        fc.array(cborValues, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (values, cuts) => {
          const stream = concat(...values.map(encodeFrame));
          const positions = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...positions].map((start, i, all) =>
            stream.subarray(start, all[i + 1] ?? stream.length),
          );
          const decoded = feed(new FrameDecoder(), ...chunks);
          return decoded.length === values.length && decoded.every((v, i) => cborEquals(v, values[i]));
        },
      ),
    );
  });

  it('refuses a huge length prefix at once, before the payload arrives', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    expect(() => feed(decoder, fromHex('d8185a7fffffff'))).toThrow(TooLargeError);
    expect(() => feed(new FrameDecoder(), fromHex('d8185bffffffffffffffff'))).toThrow(TooLargeError);
    expect(() => feed(new FrameDecoder({ maxFrameBytes: 10 }), wrapFrame(new Uint8Array(11)))).toThrow(
      /exceeds the limit of 10/,
    );
  });

  it('accepts a frame of exactly the maximum size', () => {
    const value = new Uint8Array(1000);
    const frame = encodeFrame(value);
    const payloadLength = frame.length - 5; // d8 18 59 xx xx
    expect(feed(new FrameDecoder({ maxFrameBytes: payloadLength }), frame)).toHaveLength(1);
  });

  it('refuses a frame that is not tag 24 around a byte string', () => {
    expect(() => feed(new FrameDecoder(), fromHex('a1616101'))).toThrow(/tag 24/);
    expect(() => feed(new FrameDecoder(), fromHex('d8196100'))).toThrow(/tag 24/);
    expect(() => feed(new FrameDecoder(), fromHex('d818616100'))).toThrow(/byte string/);
    expect(() => feed(new FrameDecoder(), fromHex('d8185f4101ff'))).toThrow(/definite-length byte string/);
  });

  it('refuses a frame whose payload is not one valid CBOR item', () => {
    expect(() => feed(new FrameDecoder(), wrapFrame(fromHex('8201')))).toThrow(/not valid CBOR.*exceeds/);
    expect(() => feed(new FrameDecoder(), wrapFrame(fromHex('0101')))).toThrow(/trailing/);
    expect(() => feed(new FrameDecoder(), wrapFrame(fromHex('c100')))).toThrow(/tag 1\b/);
  });

  it('yields the frames before a bad one, then stays failed', () => {
    const decoder = new FrameDecoder();
    const seen: CborValue[] = [];
    expect(() => {
      for (const message of decoder.push(concat(encodeFrame(1), encodeFrame(2), fromHex('00'))))
        seen.push(message);
    }).toThrow(CorruptError);
    expect(seen).toEqual([1, 2]);
    expect(() => feed(decoder, encodeFrame(3))).toThrow(CorruptError);
  });

  it('reports a truncated stream as not idle instead of waiting forever silently', () => {
    const decoder = new FrameDecoder();
    expect(feed(decoder, encodeFrame(sample).subarray(0, 7))).toEqual([]);
    expect(decoder.idle).toBe(false);
  });

  it('only ever throws PasserineErrors on garbage', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), (chunks) => {
        const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
        try {
          feed(decoder, ...chunks.map((c) => concat(fromHex('d818'), c)));
        } catch (err) {
          if (!(err instanceof CorruptError || err instanceof TooLargeError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
