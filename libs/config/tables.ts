import { commandVariableDocs, CommandVariable, OUTPUT_LINE_PREFIX } from './command-environment.ts';
import type { SettingGroup } from './group.ts';
import type { AnySetting } from './setting.ts';
import { flagName } from './setting.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string | undefined) => (text ? `\`${text}\`` : '—');

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** Where a setting is read: `serve` covers `serve store` and the like. */
function readers(groups: readonly SettingGroup[]): string {
  const all = [...new Set(groups.flatMap((g) => g.readBy))];
  return all.filter((r) => !(r.startsWith('`serve ') && all.includes('`serve`'))).join(', ');
}

/** The README's table of every setting, one row per setting, in the order of the groups. */
export function settingsTable(groups: readonly SettingGroup[]): string {
  const groupsOf = new Map<AnySetting, SettingGroup[]>();
  for (const group of groups) {
    for (const setting of Object.values(group.settings)) {
      groupsOf.set(setting, [...(groupsOf.get(setting) ?? []), group]);
    }
  }
  const lines = [
    row(['variable', 'flag', 'default', 'accepted', 'what it does', 'read by']),
    row(['---', '---', '---', '---', '---', '---']),
  ];
  for (const [setting, readingGroups] of groupsOf) {
    lines.push(
      row([
        code(setting.env),
        code(setting.flag && flagName(setting)),
        setting.defaultText,
        setting.kind.accepts,
        setting.does,
        readers(readingGroups),
      ]),
    );
  }
  return lines.join('\n');
}

/** The README's table of what Passerine sets for the commands it runs. */
export function commandVariablesTable(): string {
  const lines = [row(['variable', 'set for', 'holds']), row(['---', '---', '---'])];
  for (const [key, name] of Object.entries(CommandVariable)) {
    const doc = commandVariableDocs[key as keyof typeof CommandVariable];
    lines.push(row([code(name), doc.for, doc.holds]));
  }
  lines.push(
    row([
      code(`${OUTPUT_LINE_PREFIX}<json>`),
      'read back from pumped commands',
      "a stdout line: the unit's output (an object key → data, or a list of keys), which `then` turns into units of the next spec",
    ]),
  );
  return lines.join('\n');
}
