import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeValue } from './decode.ts';
import { encodeValue } from './encode.ts';
import { encodeFrame } from './frame.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { CborMap, mapGet } from './map.ts';
import { parseMessage } from './rpc-request.ts';
import { buildErrorResponse, buildResultResponse, parseResponse } from './rpc-response.ts';
import { fromHex, toHex } from './utf8.ts';
import type { CborValue } from './value.ts';

/** A real Python 2 Coordinate client talking to the real Python server, every message as hex. */
const TRANSCRIPT = new URL('../../test/compat/fixtures/reference-transcript.jsonl', import.meta.url);

interface TranscriptLine {
  method: string;
  request_hex: string;
  response_hex: string;
}

const lines: TranscriptLine[] = readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

function decodeOne(hex: string): CborValue {
  const messages = [...new FrameDecoder().push(fromHex(hex))];
  expect(messages).toHaveLength(1);
  return messages[0];
}

describe('the reference transcript', () => {
  it('has messages to check', () => {
    expect(lines.length).toBeGreaterThan(40);
  });

  it.each(lines.map((line, i) => [i + 1, line.method, line] as const))(
    'request %i (%s) decodes, parses and re-encodes to the same bytes',
    (_n, method, line) => {
      const value = decodeOne(line.request_hex);
      expect(toHex(encodeFrame(value))).toBe(line.request_hex);
      const parsed = parseMessage(value);
      expect(parsed.kind).toBe('single');
      if (parsed.kind !== 'single' || !parsed.request.ok) throw new Error('request did not parse');
      expect(parsed.request.request.method).toBe(method);
    },
  );

  it.each(lines.map((line, i) => [i + 1, line.method, line] as const))(
    'response %i (%s) is rebuilt byte for byte by the response builder',
    (_n, _method, line) => {
      const value = decodeOne(line.response_hex);
      const response = parseResponse(value);
      const rebuilt =
        'error' in response
          ? buildErrorResponse(response.id, response.error.message)
          : buildResultResponse(response.id, response.result);
      expect(toHex(encodeFrame(rebuilt))).toBe(line.response_hex);
    },
  );

  it('shows the Python 2 client sending byte-string keys and method names', () => {
    const request = decodeOne(lines[0].request_hex) as CborMap;
    expect(request).toBeInstanceOf(CborMap);
    for (const key of request.keys()) expect(key).toBeInstanceOf(Uint8Array);
    expect(mapGet(request, 'method')).toBeInstanceOf(Uint8Array);
  });

  it('round-trips every payload through the plain codec too', () => {
    for (const line of lines) {
      for (const hex of [line.request_hex, line.response_hex]) {
        const value = decodeOne(hex);
        expect(toHex(encodeFrame(decodeValue(encodeValue(value))))).toBe(hex);
      }
    }
  });
});
