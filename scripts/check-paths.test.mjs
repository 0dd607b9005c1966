import { describe, expect, it } from 'vitest';
import { outsidePaths } from './check-paths.mjs';

const root = '/checkout';
const paths = (text, file = 'libs/x/a.test.ts') => outsidePaths(text, file, root).map((p) => p.path);

describe('check:paths', () => {
  it('finds absolute paths outside the checkout, in code and in comments', () => {
    expect(paths(`const t = '/srv/elsewhere/reference/t.jsonl';`)).toEqual([
      '/srv/elsewhere/reference/t.jsonl',
    ]);
    expect(paths('// read from /home/someone/notes')).toEqual(['/home/someone/notes']);
    expect(paths('cd /tmp && ls', 'scripts/a.sh')).toEqual(['/tmp']);
  });

  it('lets the system paths of the allow-list and non-paths through', () => {
    expect(paths(`spawn('/bin/sh', ['-c', line]); open('/dev/null'); readdirSync('/proc');`)).toEqual([]);
    expect(paths(`s.replace(/data/, ''); const u = 'a/tmp/b'; const r = '/metrics';`)).toEqual([]);
    expect(paths('#!/usr/bin/env node\n', 'scripts/a.mjs')).toEqual([]);
  });

  it('resolves a climb from the file it is in', () => {
    expect(paths(`new URL('../../README.md', import.meta.url)`)).toEqual([]);
    expect(paths(`new URL('../../../README.md', import.meta.url)`)).toEqual(['../../../README.md']);
    expect(paths(`join(here, '..', '..')`)).toEqual([]);
    expect(paths(`join(here, '..', '..', '..', 'shared')`)).toEqual(['../../../']);
    expect(paths(`PEER=../../shared/peers/run`, 'scripts/a.sh')).toEqual(['../../shared/peers/run']);
  });

  it('reads climbs in comments as prose', () => {
    expect(paths(`// a relative path ('../../..') into another package`)).toEqual([]);
  });
});
