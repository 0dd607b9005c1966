import { CborMap, encodeValue, Tuple } from '@passerine/cbor';
import { encode } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { readable, readableJson } from './readable.ts';

describe('readable event data', () => {
  it('decodes CBOR unit data and msgpack payloads, and never prints a Buffer as numbers', () => {
    const data = Buffer.from(encodeValue(CborMap.fromObject({ url: 'https://x', tries: new Tuple([1, 2]) })));
    const payload = Buffer.from(encode({ kind: 'call', args: [1, 'two'] }));
    const line = readableJson({ spec: Buffer.from([0xff, 0x00]), units: [{ key: 'k', data }], payload });
    expect(line).not.toContain('"type":"Buffer"');
    expect(JSON.parse(line)).toEqual({
      spec: { $bytes: '/wA=' },
      units: [{ key: 'k', data: { $cbor: { url: 'https://x', tries: { $tuple: [1, 2] } } } }],
      payload: { $msgpack: { kind: 'call', args: [1, 'two'] } },
    });
  });

  it('shows data that does not decode as its bytes', () => {
    // 0x1c is a reserved CBOR additional value; 0xc1 is never used in msgpack.
    expect(readable({ data: new Uint8Array([0x1c]), payload: new Uint8Array([0xc1]) })).toEqual({
      data: { $bytes: 'HA==' },
      payload: { $bytes: 'wQ==' },
    });
  });
});
