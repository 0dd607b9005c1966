import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNames, decodeToken, encodeToken, UNIT_LOG_BUCKETS, unitLogBucket } from './index.ts';

const SAFE_TOKEN = /^[^\s.*>]+$/;

describe('subject tokens', () => {
  it('keeps plain names readable', () => {
    expect(encodeToken('my_spec-1')).toBe('my_spec-1');
  });

  it('encodes spaces, dots and wildcards into one safe token', () => {
    for (const name of ['a b', 'a.b', '*', '>', 'fü', '~x']) {
      const token = encodeToken(name);
      expect(token).toMatch(SAFE_TOKEN);
      expect(decodeToken(token)).toBe(name);
    }
  });

  it('keeps byte names apart from text names', () => {
    const bytes = new Uint8Array([0x61]);
    expect(encodeToken(bytes)).not.toBe(encodeToken('a'));
    expect(decodeToken(encodeToken(bytes))).toEqual(bytes);
  });

  it('round-trips any text or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1 })), (name) => {
        const token = encodeToken(name);
        expect(token).toMatch(SAFE_TOKEN);
        expect(decodeToken(token)).toEqual(name);
      }),
    );
  });

  it('rejects empty names', () => {
    expect(() => encodeToken('')).toThrow(/must not be empty/);
  });
});

describe('names', () => {
  it('lists every bucket in `buckets`, each once', () => {
    const names = createNames('t1');
    const named = Object.entries(names)
      .filter(([field, value]) => typeof value === 'string' && /(Bucket|Objects|Versions)$/.test(field))
      .map(([, value]) => value);
    expect(named.length).toBeGreaterThanOrEqual(12);
    expect([...names.buckets].sort()).toEqual(named.sort());
    expect(new Set(names.buckets).size).toBe(names.buckets.length);
  });

  it('keeps every subject under its prefix', () => {
    const names = createNames('t1');
    expect(names.workSpecEvents('ns', 'a.b')).toMatch(/^t1\.ev\.wq\.ns\.spec\.[^.]+$/);
    expect(names.eventStream).toBe('T1_EVENTS');
    // Wildcard filters are written out, never passed through the token encoder.
    expect(names.allLogs).toBe('t1.log.>');
    expect(names.taskLogs('j.1')).toMatch(/^t1\.log\.[^.*]+\.task$/);
    expect(names.jobLogs('j.1')).toMatch(/^t1\.log\.[^.*]+\.>$/);
  });

  it("files a unit task's lines under its job and under its spec and key bucket", () => {
    const names = createNames('t1');
    const unit = { namespace: 'ns', spec: 'sp.1', key: 'k 7' };
    const subject = names.taskLogs('j1', unit);
    const [, , job, kind, ns, spec, bucket] = subject.split('.');
    expect([job, kind, ns]).toEqual(['j1', 'unit', 'ns']);
    expect(spec).not.toContain('.');
    expect(Number(bucket)).toBe(unitLogBucket('k 7'));
    expect(names.unitLogs(unit)).toBe(`t1.log.*.unit.ns.${spec}.${bucket}`);
    // Text and bytes of the same characters land in the same bucket: the reader compares keys.
    expect(unitLogBucket(new TextEncoder().encode('k 7'))).toBe(unitLogBucket('k 7'));
    const buckets = new Set(Array.from({ length: 1000 }, (_, i) => unitLogBucket(`key-${i}`)));
    expect(buckets.size).toBe(UNIT_LOG_BUCKETS);
  });

  it('builds the scheduling protocol’s subjects from its operations', () => {
    const names = createNames('t1');
    expect(names.nodeMonitor('n1', 'reserve')).toBe('t1.nm.n1.reserve');
    expect(names.frontend('f1', 'getTask')).toBe('t1.fe.f1.getTask');
    expect(names.jobRpc('status')).toBe('t1.rpc.sched.status');
    // @ts-expect-error a misspelt operation is a type error, not a subject nobody serves
    expect(names.frontend('f1', 'getTsak')).toBe('t1.fe.f1.getTsak');
  });

  it('rejects a prefix that is not a safe token', () => {
    expect(() => createNames('Bad.Prefix')).toThrow(/prefix/);
  });
});
