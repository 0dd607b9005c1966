import { ValidationError } from '@passerine/core';
import { CborMap, mapGet } from './map.ts';
import { fromUtf8, utf8 } from './utf8.ts';
import type { CborValue } from './value.ts';

/*
 * The Python server wrote responses with byte-string keys (b'id', b'result', b'error',
 * b'message'), id first, and the error message as a byte string. Mirroring that byte for byte
 * means an existing client sees exactly what it always saw.
 */
const ID = utf8('id');
const RESULT = utf8('result');
const ERROR = utf8('error');
const MESSAGE = utf8('message');

/** {id, result}; a void result is sent as null because the client returns only when `result` is present. */
export function buildResultResponse(id: CborValue, result: CborValue | undefined): CborMap {
  return new CborMap([
    [ID, id],
    [RESULT, result ?? null],
  ]);
}

export function buildErrorResponse(id: CborValue, message: string): CborMap {
  return new CborMap([
    [ID, id],
    [ERROR, new CborMap([[MESSAGE, utf8(message)]])],
  ]);
}

export type RpcResponse =
  | { id: CborValue; result: CborValue }
  | { id: CborValue; error: { message: string } };

/** Reads a response (either key kind); for clients and tests. */
export function parseResponse(value: CborValue): RpcResponse {
  if (!(value instanceof CborMap)) throw new ValidationError('a response must be a map');
  const id = mapGet(value, 'id') ?? null;
  const error = mapGet(value, 'error');
  if (error instanceof CborMap) {
    const message = mapGet(error, 'message');
    const text = message instanceof Uint8Array ? fromUtf8(message) : String(message);
    return { id, error: { message: text } };
  }
  return { id, result: mapGet(value, 'result') ?? null };
}
