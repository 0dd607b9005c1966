import { describe, expect, it } from 'vitest';
import {
  duration,
  host,
  integer,
  type Kind,
  labels,
  list,
  natsUrls,
  onOff,
  oneOf,
  pattern,
  port,
} from './kinds.ts';

const accepted = <T>(kind: Kind<T>, text: string) => {
  const result = kind.schema.safeParse(text);
  if (!result.success) throw new Error(`${JSON.stringify(text)} refused`);
  return result.data;
};
const refused = <T>(kind: Kind<T>, text: string) => !kind.schema.safeParse(text).success;

describe('setting kinds', () => {
  it('integer: whole numbers inside the range, nothing else', () => {
    const replicas = integer(1, 5);
    expect(accepted(replicas, '1')).toBe(1);
    expect(accepted(replicas, '5')).toBe(5);
    for (const text of ['0', '6', '', ' ', 'abc', '2.5', '1e0', '0x2', 'NaN', 'Infinity', '3 ']) {
      expect(refused(replicas, text), text).toBe(true);
    }
    expect(replicas.accepts).toBe('a whole number from 1 to 5');
    expect(integer(1, 10_000).accepts).toBe('a whole number from 1 to 10,000');
  });

  it('duration: whole milliseconds inside the range', () => {
    const beat = duration(10, 60_000);
    expect(accepted(beat, '100')).toBe(100);
    for (const text of ['9', '60001', '1.5', '-100', '1s', '']) expect(refused(beat, text), text).toBe(true);
    expect(beat.accepts).toBe('a whole number of milliseconds from 10 to 60,000');
  });

  it('port: 1-65535, and the one special number the flag gives a meaning', () => {
    const plain = port();
    expect(accepted(plain, '65535')).toBe(65_535);
    for (const text of ['0', '65536', '-1', '80a', '']) expect(refused(plain, text), text).toBe(true);
    const listen = port({ value: 0, means: 'any free port' });
    expect(accepted(listen, '0')).toBe(0);
    expect(refused(listen, '-1')).toBe(true);
    expect(listen.accepts).toBe('a port from 1 to 65535, or 0 for any free port');
    expect(accepted(port({ value: -1, means: 'any free port' }), '-1')).toBe(-1);
  });

  it('NATS URLs: nats://, tls:// or host:port, alone or a comma-separated cluster', () => {
    const urls = natsUrls();
    expect(accepted(urls, 'nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    expect(accepted(urls, 'nats://nats-1:4222, nats://nats-2:4222')).toBe(
      'nats://nats-1:4222,nats://nats-2:4222',
    );
    expect(accepted(urls, '127.0.0.1:4222')).toBe('127.0.0.1:4222');
    expect(accepted(urls, 'tls://user:secret@host:4443')).toBe('tls://user:secret@host:4443');
    expect(accepted(urls, 'nats://[::1]:4222')).toBe('nats://[::1]:4222');
    for (const text of ['http://a:4222', 'nats://', 'nats://a:99999', 'nats://a:4222,', 'a b', '']) {
      expect(refused(urls, text), text).toBe(true);
    }
  });

  it('list: comma-separated items of a kind, blanks dropped, empty for none, bounded', () => {
    const names = list(pattern(/^[a-z]+$/, 'lower-case letters'), 3);
    expect(accepted(names, 'a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(accepted(names, 'a,,b')).toEqual(['a', 'b']);
    expect(accepted(names, '')).toEqual([]);
    expect(names.emptyIsUnset).toBe(false);
    expect(refused(names, 'a,B')).toBe(true);
    expect(refused(names, 'a,b,c,d')).toBe(true);
    expect(names.accepts).toBe(
      'a comma-separated list of at most 3 items, each lower-case letters (empty for none)',
    );
  });

  it('enum: one of the words, exactly', () => {
    const policy = oneOf(['fifo', 'priority', 'fair']);
    expect(accepted(policy, 'fair')).toBe('fair');
    for (const text of ['FIFO', 'lifo', ' fifo', '']) expect(refused(policy, text), text).toBe(true);
    expect(policy.accepts).toBe('one of fifo, priority, fair');
  });

  it('labels: key=value pairs into a map, each key once', () => {
    const kind = labels();
    expect(accepted(kind, 'zone=a,gpu=yes')).toEqual({ zone: 'a', gpu: 'yes' });
    expect(accepted(kind, ' zone = a , rack=')).toEqual({ zone: 'a', rack: '' });
    expect(accepted(kind, 'url=a=b')).toEqual({ url: 'a=b' });
    expect(accepted(kind, '')).toEqual({});
    for (const text of ['zone', '=a', 'zone=a,zone=b', 'zone=a,gpu'])
      expect(refused(kind, text), text).toBe(true);
  });

  it('host: addresses and host names', () => {
    const kind = host();
    for (const text of ['127.0.0.1', '0.0.0.0', '::', 'localhost', 'nats-1'])
      expect(accepted(kind, text)).toBe(text);
    for (const text of ['a b', '-bad', '', 'http://x']) expect(refused(kind, text), text).toBe(true);
  });

  it('on/off: the usual words, in any case', () => {
    const kind = onOff();
    expect(accepted(kind, '1')).toBe(true);
    expect(accepted(kind, 'TRUE')).toBe(true);
    expect(accepted(kind, 'off')).toBe(false);
    expect(refused(kind, 'maybe')).toBe(true);
  });

  it('pattern: text the expression matches', () => {
    const kind = pattern(/^[a-z]{1,3}$/, '1 to 3 lower-case letters');
    expect(accepted(kind, 'abc')).toBe('abc');
    expect(refused(kind, 'abcd')).toBe(true);
  });
});
