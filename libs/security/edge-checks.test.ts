import { describe, expect, it } from 'vitest';
import {
  allowedNetworks,
  checkBearer,
  createHttpTokenCheck,
  EDGE_ROLES,
  httpNeed,
  isLoopbackHost,
  parseTokenFile,
} from './index.ts';

const tokens = parseTokenFile(
  ['# who may call', 'w-alpha-0123456789abcdef worker alpha', 'admin-0123456789abcdef admin'].join('\n'),
  ['worker', 'admin'],
);

describe('bearer tokens', () => {
  it('passes a namespace worker on its namespace and an admin anywhere', () => {
    expect(
      checkBearer('Bearer w-alpha-0123456789abcdef', tokens, { roles: ['worker'], namespace: 'alpha' }),
    ).toEqual({
      ok: true,
      token: { role: 'worker', namespace: 'alpha' },
    });
    expect(
      checkBearer('bearer admin-0123456789abcdef', tokens, { roles: ['worker'], namespace: 'beta' }).ok,
    ).toBe(true);
  });

  it('says 401 for a missing or unknown token, 403 for another role or namespace', () => {
    expect(checkBearer(undefined, tokens, { roles: ['worker'] })).toMatchObject({ ok: false, status: 401 });
    expect(checkBearer('Basic abc', tokens, { roles: ['worker'] })).toMatchObject({ ok: false, status: 401 });
    expect(checkBearer('Bearer w-alpha-0123456789abcdeX', tokens, { roles: ['worker'] })).toMatchObject({
      status: 401,
    });
    expect(
      checkBearer('Bearer w-alpha-0123456789abcdef', tokens, { roles: ['worker'], namespace: 'beta' }),
    ).toMatchObject({
      status: 403,
      message: 'the token is for namespace "alpha", not "beta"',
    });
    expect(checkBearer('Bearer w-alpha-0123456789abcdef', tokens, { roles: ['admin'] })).toMatchObject({
      status: 403,
    });
  });

  it('refuses a tokens file line it cannot read, naming the line', () => {
    expect(() => parseTokenFile('ok-0123456789abcdef admin\nshort worker', ['worker', 'admin'])).toThrow(
      /line 2: a token has at least 16 characters/,
    );
    expect(() => parseTokenFile('t-0123456789abcdef root', ['worker', 'admin'])).toThrow(/line 1: expected/);
  });

  it('gives the HTTP edge a check that answers with a status, headers and a logged refusal', () => {
    const logged: string[] = [];
    const logger = { warn: (_f: unknown, m: string) => void logged.push(m) } as never;
    const check = createHttpTokenCheck(tokens, logger);
    const refused = check(
      { headers: {}, method: 'GET', url: '/api/units' },
      { roles: ['worker'], namespace: 'alpha' },
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="passerine"' },
    });
    expect(logged).toEqual([
      'HTTP request refused: a bearer token is required (Authorization: Bearer <token>)',
    ]);
    expect(
      check(
        { headers: { authorization: 'Bearer w-alpha-0123456789abcdef' } },
        { roles: ['worker'], namespace: 'alpha' },
      ).ok,
    ).toBe(true);
  });
});

describe("the HTTP edge's role table", () => {
  const edge = parseTokenFile(
    [
      'viewer-0123456789abcdef viewer',
      'operator-0123456789abcdef operator',
      'op-alpha-0123456789abcdef operator alpha',
      'w-alpha-0123456789abcdef worker alpha',
      'admin-0123456789abcdef admin',
    ].join('\n'),
    EDGE_ROLES,
  );
  const verdict = (token: string, ...need: Parameters<typeof httpNeed>) => {
    const check = checkBearer(`Bearer ${token}-0123456789abcdef`, edge, httpNeed(...need));
    return check.ok ? 200 : check.status;
  };

  it('lets every role read and only operators and admins act', () => {
    expect(['viewer', 'operator', 'w-alpha', 'admin'].map((t) => verdict(t, 'read', 'alpha'))).toEqual([
      200, 200, 200, 200,
    ]);
    expect(['viewer', 'operator', 'w-alpha', 'admin'].map((t) => verdict(t, 'act', 'alpha'))).toEqual([
      403, 200, 403, 200,
    ]);
  });

  it('keeps a namespace-bound token to its namespace, and off what is about no one namespace', () => {
    expect(verdict('op-alpha', 'act', 'alpha')).toBe(200);
    expect(verdict('op-alpha', 'act', 'beta')).toBe(403);
    expect(verdict('op-alpha', 'read', undefined)).toBe(403);
    expect(verdict('w-alpha', 'read', undefined)).toBe(403);
    expect(verdict('operator', 'act', undefined)).toBe(200);
    expect(verdict('viewer', 'read', undefined)).toBe(200);
  });
});

describe('allowed networks', () => {
  it('matches addresses and subnets, v4 peers on v6 sockets too', () => {
    const allowed = allowedNetworks(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(allowed.allows('10.2.3.4')).toBe(true);
    expect(allowed.allows('::ffff:10.2.3.4')).toBe(true);
    expect(allowed.allows('127.0.0.1')).toBe(true);
    expect(allowed.allows('::1')).toBe(true);
    expect(allowed.allows('192.168.1.1')).toBe(false);
    expect(allowed.allows(undefined)).toBe(false);
  });

  it('names a bad entry', () => {
    expect(() => allowedNetworks(['10.0.0.0/33'])).toThrow(
      /"10.0.0.0\/33" is not an address or address\/bits/,
    );
    expect(() => allowedNetworks(['example'])).toThrow(/example/);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });
});
