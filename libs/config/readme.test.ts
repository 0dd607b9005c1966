import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingGroups } from './settings.ts';
import { commandVariablesTable, settingsTable } from './tables.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The lines between `<!-- NAME: ... -->` and `<!-- end of NAME -->`. */
function section(name: string): string {
  const match = new RegExp(`<!-- ${name}: [^>]*-->\\n([\\s\\S]*?)\\n<!-- end of ${name} -->`).exec(readme);
  if (!match) throw new Error(`README.md has no ${name} section`);
  return match[1];
}

describe("the README's configuration tables", () => {
  // On a failure, the expected text is the table to paste.
  it('list every setting as libs/config defines it', () => {
    expect(section('settings')).toBe(settingsTable(settingGroups));
  });

  it('list what Passerine sets for the commands it runs', () => {
    expect(section('command variables')).toBe(commandVariablesTable());
  });
});
