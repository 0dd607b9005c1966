import { settingGroups } from './settings.ts';
import { commandVariablesTable, settingsTable } from './tables.ts';

/** The README's generated sections: `<!-- NAME: ... -->`, the table, `<!-- end of NAME -->`. */
const sections = {
  settings: () => settingsTable(settingGroups),
  'command variables': () => commandVariablesTable(),
};

/** The README with its tables of settings and command variables rendered from this module. */
export function withTables(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(sections)) {
    const section = new RegExp(`(<!-- ${name}: [^>]*-->\\n)[\\s\\S]*?(\\n<!-- end of ${name} -->)`);
    if (!section.test(text)) throw new Error(`README.md has no ${name} section`);
    text = text.replace(section, (_, begin: string, end: string) => begin + render() + end);
  }
  return text;
}
