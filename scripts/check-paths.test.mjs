import { describe, expect, it } from 'vitest';
import { outsidePaths } from './check-paths.mjs';

const root = '/checkout';
const paths = (text, file = 'libs/x/a.test.ts') => outsidePaths(text, file, root).map((p) => p.path);
// The examples of paths outside a checkout are put together here, so that this file names none.
const outside = (...parts) => parts.join('/');
const reference = outside('', 'srv', 'elsewhere', 'reference', 't.jsonl');
const notes = outside('', 'home', 'someone', 'notes');
const peer = outside('..', '..', 'shared', 'peers', 'run');

describe('check:paths', () => {
  it('finds absolute paths outside the checkout, in code and in comments', () => {
    expect(paths(`const t = '${reference}';`)).toEqual([reference]);
    expect(paths(`// read from ${notes}`)).toEqual([notes]);
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
    expect(paths(`PEER=${peer}`, 'scripts/a.sh')).toEqual([peer]);
  });

  it('reads climbs in comments as prose', () => {
    expect(paths(`// a relative path ('../../..') into another package`)).toEqual([]);
  });
});
