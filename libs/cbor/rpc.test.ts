import { describe, expect, it } from 'vitest';
import { CborMap, mapGet } from './map.ts';
import { buildRequest, parseMessage, parseRequest } from './rpc-request.ts';
import { buildErrorResponse, buildResultResponse, parseResponse } from './rpc-response.ts';
import { utf8 } from './utf8.ts';
import { tuple } from './value.ts';

describe('parseRequest', () => {
  it('reads byte-string keys and method as the Python 2 client sends them', () => {
    const parsed = parseRequest(buildRequest(3, 'get_work_spec', ['sa']));
    expect(parsed).toEqual({ ok: true, request: { id: 3, method: 'get_work_spec', params: ['sa'] } });
  });

  it('reads text keys, keyword params, tuple params and missing params', () => {
    const kw = CborMap.fromObject({ name: 'sa' });
    expect(parseRequest(CborMap.fromObject({ id: 1, method: 'm', params: kw }))).toMatchObject({
      ok: true,
      request: { params: kw },
    });
    expect(parseRequest(CborMap.fromObject({ id: 1, method: 'm', params: tuple(1) }))).toMatchObject({
      request: { params: [1] },
    });
    expect(parseRequest(CborMap.fromObject({ id: 1, method: 'm' }))).toMatchObject({
      request: { params: [] },
    });
  });

  it('keeps the id when the rest is wrong, so the error can be answered', () => {
    expect(parseRequest(CborMap.fromObject({ id: 4, method: 5 }))).toMatchObject({ ok: false, id: 4 });
    expect(parseRequest(CborMap.fromObject({ id: 4, method: 'm', params: 'x' }))).toMatchObject({
      ok: false,
      id: 4,
      error: { message: "params of 'm' must be an array or a map" },
    });
    expect(parseRequest(CborMap.fromObject({ id: 4, method: new Uint8Array([0xff]) }))).toMatchObject({
      ok: false,
      id: 4,
      error: { message: 'method name is not valid UTF-8' },
    });
  });

  it('has no id to give when the message is not a request map', () => {
    expect(parseRequest('hello')).toMatchObject({ ok: false, id: undefined });
    expect(parseRequest(CborMap.fromObject({ method: 'm' }))).toMatchObject({ ok: false, id: undefined });
  });

  it('treats a top-level array as a batch', () => {
    const parsed = parseMessage([buildRequest(1, 'a', []), 'junk']);
    expect(parsed.kind).toBe('batch');
    if (parsed.kind === 'batch') expect(parsed.requests.map((r) => r.ok)).toEqual([true, false]);
  });
});

describe('responses', () => {
  it('use byte-string keys, id first, and a byte-string error message', () => {
    const ok = buildResultResponse(1, undefined);
    expect(ok.keys()).toEqual([utf8('id'), utf8('result')]);
    expect(mapGet(ok, 'result')).toBeNull();
    const failed = buildErrorResponse(2, 'boom');
    expect(mapGet(mapGet(failed, 'error') as CborMap, 'message')).toEqual(utf8('boom'));
    expect(parseResponse(failed)).toEqual({ id: 2, error: { message: 'boom' } });
  });
});
