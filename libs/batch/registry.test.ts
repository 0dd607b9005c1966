import { describe, expect, it } from 'vitest';
import { parseDefinitionFile } from './definition-file.ts';
import { DefinitionError } from './definition-error.ts';
import { decideApply, evolveRegistry, initialRegistry, type Registry } from './registry.ts';

const files = (entries: Record<string, string>) =>
  Object.entries(entries).map(([file, text]) => parseDefinitionFile(file, text));
const ctx = { artifactExists: (ref: string) => ref === 'etl' || ref === 'etl:1.0' };

function applied(state: Registry, entries: Record<string, string>) {
  const events = decideApply({ type: 'ApplyDefinitions', files: files(entries) }, state, ctx);
  for (const event of events) evolveRegistry(state, event);
  return events;
}

const base = {
  'clicks.yaml': 'kind: dataset\nname: clicks\n',
  'a.yaml': 'name: a\nrunner: shell\ncommand: echo a\n',
  'b.yaml': 'name: b\nrunner: shell\ncommand: echo {partition}\ntriggers: [clicks]\nartifact: etl\n',
};

describe('applying a definitions directory', () => {
  it('registers every file, then changes nothing when applied again unchanged', () => {
    const state = initialRegistry();
    expect(applied(state, base).map((e) => e.type)).toEqual([
      'JobDefinitionRegistered',
      'JobDefinitionRegistered',
      'DatasetDeclared',
    ]);
    expect(applied(state, base)).toEqual([]);
  });

  it('gives a changed job its next version and retires what no file defines any more', () => {
    const state = initialRegistry();
    applied(state, base);
    const { 'a.yaml': _a, ...rest } = base;
    const events = applied(state, { ...rest, 'b.yaml': base['b.yaml'].replace('echo', 'printf') });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'JobDefinitionRegistered',
        data: expect.objectContaining({ version: 2 }),
      }),
      { type: 'JobDefinitionRetired', data: { name: 'a', version: 1 } },
    ]);
    expect([...state.jobs.keys()]).toEqual(['b']);
  });

  it.each([
    [
      'a trigger naming no data set',
      { 'b.yaml': base['b.yaml'] },
      'b.yaml',
      'triggers[0]',
      /names no data set/,
    ],
    [
      'a missing artifact',
      { ...base, 'a.yaml': `${base['a.yaml']}artifact: etl:2.0\n` },
      'a.yaml',
      'artifact',
      /not in the artifact store/,
    ],
    [
      'a name two files define',
      { ...base, 'c.yaml': base['a.yaml'] },
      'c.yaml',
      'name',
      /also defined in a.yaml/,
    ],
  ])('refuses %s, registering nothing', (_what, entries, file, field, reason) => {
    const state = initialRegistry();
    let refused: unknown;
    try {
      applied(state, entries);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DefinitionError);
    expect(refused).toMatchObject({ file, field, reason: expect.stringMatching(reason) });
    expect(state.jobs.size).toBe(0);
  });
});
