import { CborMap, decodeValue, encodeValue, toJsonValue } from '@passerine/cbor';
import { describe, expect, it } from 'vitest';
import type { ExecutableSpec } from './executable-spec.ts';
import { MAX_UNIT_DATA_CHARS, unitTask } from './unit-task.ts';
import { type Verdict, verdictOf } from './verdict.ts';

const data = encodeValue(CborMap.fromObject({ n: 1 }));
const run = (outputLine?: string, stderrTail: string[] = []) => ({
  started: { work_unit_data: data },
  outputLine,
  stderrTail,
});
const active = { status: 'active' as const };
const dataOf = (verdict: Verdict | undefined) =>
  verdict?.data ? toJsonValue(decodeValue(verdict.data)) : undefined;

describe('what the store hears of a unit run', () => {
  it('nothing while its task has not ended', () => {
    expect(verdictOf(run(), { status: 'running' }, active)).toBeUndefined();
    expect(verdictOf(run(), undefined, active)).toBeUndefined();
  });

  it('finished, with the output its command printed as the unit’s output', () => {
    expect(verdictOf(run(), { status: 'finished', exitCode: 0 }, active)).toEqual({
      kind: 'finish',
      data: undefined,
    });
    const verdict = verdictOf(run('PASSERINE_OUTPUT=["next"]'), { status: 'finished', exitCode: 0 }, active);
    expect(verdict?.kind).toBe('finish');
    expect(dataOf(verdict)).toEqual({ n: 1, output: ['next'] });
  });

  it('failed, retryable, when the command exited 0 with an output that cannot be read', () => {
    const verdict = verdictOf(run('PASSERINE_OUTPUT=nope'), { status: 'finished', exitCode: 0 }, active);
    expect(verdict).toMatchObject({
      kind: 'fail',
      final: false,
      traceback: expect.stringMatching(/output was refused/),
    });
  });

  it('failed with the exit status and stderr in the traceback, which the data keeps too', () => {
    const verdict = verdictOf(run(undefined, ['boom']), { status: 'failed', exitCode: 2 }, active);
    expect(verdict).toMatchObject({
      kind: 'fail',
      final: false,
      traceback: 'exit status 2\nlast lines on stderr:\nboom',
    });
    expect(dataOf(verdict)).toEqual({ n: 1, traceback: 'exit status 2\nlast lines on stderr:\nboom' });
  });

  it('failed, to be retried while max_retries allows, when its job was cancelled', () => {
    const verdict = verdictOf(run(), { status: 'pending' }, { status: 'cancelled', reason: 'by hand' });
    expect(verdict).toMatchObject({
      kind: 'fail',
      final: false,
      traceback: 'its task was cancelled (by hand)',
    });
  });
});

describe('the task that runs a unit', () => {
  const spec: ExecutableSpec = {
    name: 'resize',
    maxRetries: 0,
    priority: 0,
    runner: {
      argv: ['/bin/sh', '-c', 'work'],
      env: { Q: '80' },
      resources: { memMb: 512 },
      labels: {},
      timeoutMs: 0,
    },
  };
  const unit = (key: string | Uint8Array, unitData = data) => ({
    work_spec_name: 'resize',
    work_unit_key: key,
    work_unit_data: unitData,
    attempt_id: 'att-1',
    expires: 0,
  });

  it('carries the unit in its environment, next to the spec’s own variables', () => {
    const task = unitTask('ns', spec, unit('a.jpg'), 'u0');
    expect(task).toMatchObject({ id: 'u0', resources: { memMb: 512 } });
    expect(task.command).toEqual({
      command: '/bin/sh',
      args: ['-c', 'work'],
      env: {
        Q: '80',
        PASSERINE_NAMESPACE: 'ns',
        PASSERINE_WORK_SPEC: 'resize',
        PASSERINE_WORK_UNIT_KEY: 'a.jpg',
        PASSERINE_WORK_UNIT_DATA: '{"n":1}',
        PASSERINE_ATTEMPT_ID: 'att-1',
      },
    });
  });

  it('gives a byte key that is not UTF-8 as hex', () => {
    const task = unitTask('ns', spec, unit(new Uint8Array([0xff, 0x00])), 'u0');
    expect(task.command?.env?.PASSERINE_WORK_UNIT_KEY).toBe('ff00');
  });

  it('refuses unit data too large for an environment, saying how large', () => {
    const big = encodeValue(CborMap.fromObject({ blob: 'x'.repeat(MAX_UNIT_DATA_CHARS) }));
    expect(() => unitTask('ns', spec, unit('k', big), 'u0')).toThrow(/characters of JSON/);
  });
});
