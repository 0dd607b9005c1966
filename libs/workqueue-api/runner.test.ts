import { CborMap, type CborValue, encodeValue, tuple, utf8 } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { readSpecSettings } from './coordinate-data.ts';
import { readRunner } from './runner.ts';

const map = (entries: Record<string, CborValue>) => new CborMap(Object.entries(entries));
const specWith = (runner: CborValue) => map({ name: 'spec', runner });

describe('a work spec runner', () => {
  it('reads a command line through the shell, or an argv list as given', () => {
    expect(readRunner(specWith(map({ command: 'echo hi' })))?.argv).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(readRunner(specWith(map({ command: ['node', '-e', '1'] })))?.argv).toEqual(['node', '-e', '1']);
    expect(readRunner(specWith(map({ command: tuple('ls', '-l') })))?.argv).toEqual(['ls', '-l']);
  });

  it('reads a runner from a Python 2 client, whose keys are byte strings', () => {
    const bytesMap = (entries: Record<string, CborValue>) =>
      new CborMap(Object.entries(entries).map(([k, v]) => [utf8(k), v] as const));
    const runner = readRunner(
      bytesMap({
        name: utf8('spec'),
        runner: bytesMap({ command: utf8('true'), resources: bytesMap({ cpus: 1 }) }),
      }),
    );
    expect(runner).toMatchObject({ argv: ['/bin/sh', '-c', 'true'], resources: { cpus: 1 } });
  });

  it('reads env, cwd, timeout, resources and labels', () => {
    const runner = readRunner(
      specWith(
        map({
          command: 'run',
          env: map({ A: '1' }),
          cwd: 'images',
          timeout_s: 1.5,
          resources: map({ cpus: 2, mem_mb: 512 }),
          labels: map({ zone: 'a' }),
        }),
      ),
    );
    expect(runner).toEqual({
      argv: ['/bin/sh', '-c', 'run'],
      env: { A: '1' },
      cwd: 'images',
      timeoutMs: 1500,
      resources: { cpus: 2, memMb: 512 },
      labels: { zone: 'a' },
    });
  });

  it('reads a key limit, per_second as the wire spells it', () => {
    const runner = readRunner(
      specWith(map({ command: 'run', limit: map({ key: utf8('tenant-a'), running: 3, per_second: 5 }) })),
    );
    expect(runner?.limit).toEqual({ key: 'tenant-a', running: 3, perSecond: 5 });
    expect(() =>
      readRunner(specWith(map({ command: 'run', limit: map({ key: 'k', per_second: -1 }) }))),
    ).toThrow(/^work spec runner\.limit\.per_second must be a number > 0/);
    expect(() => readRunner(specWith(map({ command: 'run', limit: 'k' })))).toThrow(
      /runner\.limit must be a map/,
    );
  });

  it('a spec without a runner is not executable', () => {
    expect(readRunner(map({ name: 'plain' }))).toBeUndefined();
    expect(readSpecSettings(encodeValue(map({ name: 'plain' }))).runner).toBe(false);
    expect(readSpecSettings(encodeValue(specWith(map({ command: 'true' })))).runner).toBe(true);
  });

  it.each([
    ['not a map', 'echo', /runner must be a map/],
    ['no command', map({}), /runner\.command is required/],
    ['empty command', map({ command: ' ' }), /runner\.command must not be empty/],
    ['empty argv', map({ command: [] }), /runner\.command must be a string or a non-empty list/],
    ['argv of numbers', map({ command: ['ls', 3] }), /runner\.command\[1\] must be a string/],
    ['unknown field', map({ command: 'x', image: 'y' }), /runner\.image is not a runner field/],
    ['negative timeout', map({ command: 'x', timeout_s: -1 }), /runner\.timeout_s must be a number ≥ 0/],
    ['unknown resource', map({ command: 'x', resources: map({ gpus: 1 }) }), /unknown resource gpus/],
    ['env not strings', map({ command: 'x', env: map({ A: 1 }) }), /runner\.env\.A must be a string/],
  ])('refuses a runner with %s, naming the field', (_what, runner, message) => {
    expect(() => readRunner(specWith(runner))).toThrow(ValidationError);
    expect(() => readRunner(specWith(runner))).toThrow(message);
    expect(() => readSpecSettings(encodeValue(specWith(runner)))).toThrow(message);
  });
});
