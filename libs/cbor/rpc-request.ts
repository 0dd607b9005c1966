import { ValidationError } from '@passerine/core';
import { CborMap, mapGet } from './map.ts';
import { fromUtf8, utf8 } from './utf8.ts';
import { type CborValue, Tuple } from './value.ts';

/** Positional params (what every client sends) or keyword params (the Python server took both). */
export type RpcParams = CborValue[] | CborMap;

export interface RpcRequest {
  /** Echoed back untouched; the Python client numbers requests 1, 2, 3… per connection. */
  id: CborValue;
  method: string;
  params: RpcParams;
}

/** A request that could not be understood; `id` is set when it was recoverable, so it can be answered. */
export interface RpcRequestProblem {
  id: CborValue | undefined;
  error: ValidationError;
}

export type ParsedRequest = { ok: true; request: RpcRequest } | ({ ok: false } & RpcRequestProblem);

/** One decoded message: a single request or a batch (a top-level array, answered with an array). */
export type ParsedMessage =
  | { kind: 'single'; request: ParsedRequest }
  | { kind: 'batch'; requests: ParsedRequest[] };

export function parseMessage(message: CborValue): ParsedMessage {
  if (Array.isArray(message)) return { kind: 'batch', requests: message.map(parseRequest) };
  return { kind: 'single', request: parseRequest(message) };
}

/**
 * Reads {id, method, params}. Keys and the method name may be byte strings (the Python 2 client)
 * or text; params may be missing (no arguments), an array, a tuple or a map of keyword params.
 */
export function parseRequest(message: CborValue): ParsedRequest {
  if (!(message instanceof CborMap)) {
    return problem(undefined, 'a request must be a map with id, method and params');
  }
  const id = mapGet(message, 'id');
  if (id === undefined) return problem(undefined, "request has no 'id'");
  const rawMethod = mapGet(message, 'method');
  let method: string;
  if (typeof rawMethod === 'string') method = rawMethod;
  else if (rawMethod instanceof Uint8Array) {
    try {
      method = fromUtf8(rawMethod, 'method name');
    } catch (err) {
      return problem(id, (err as Error).message);
    }
  } else return problem(id, "request 'method' must be a string");
  const rawParams = mapGet(message, 'params');
  if (rawParams === undefined || rawParams === null) return { ok: true, request: { id, method, params: [] } };
  if (Array.isArray(rawParams) || rawParams instanceof CborMap) {
    return { ok: true, request: { id, method, params: rawParams } };
  }
  if (rawParams instanceof Tuple) return { ok: true, request: { id, method, params: rawParams.items } };
  return problem(id, `params of '${method}' must be an array or a map`);
}

function problem(id: CborValue | undefined, message: string): ParsedRequest {
  return { ok: false, id, error: new ValidationError(message) };
}

/** Builds a request the way the Python 2 client does (byte-string keys and method); for tests and tools. */
export function buildRequest(id: CborValue, method: string, params: RpcParams): CborMap {
  return CborMap.fromObject({ params, id, method: utf8(method) }, 'bytes');
}
