import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTables } from './readme-sections.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("the README's configuration tables", () => {
  it('are the settings and command variables as libs/config defines them', () => {
    // On a difference: node bin/tsx.js libs/config/update-readme.ts
    expect(readme).toBe(withTables(readme));
  });

  it('are found by their markers', () => {
    expect(() => withTables('# no tables here')).toThrow(/no settings section/);
  });
});
