import { type AnySetting, parseFlag, type SettingGroup, type Sources } from '@passerine/config';
import { type Command, Option } from 'commander';

function settingsOf(groups: readonly SettingGroup[]): AnySetting[] {
  return [...new Set(groups.flatMap((group) => Object.values(group.settings)))].filter((s) => s.flag);
}

const plain = (markdown: string) => markdown.replace(/`/g, '');

function helpOf(setting: AnySetting): string {
  const from = setting.env ? `or ${setting.env}; ` : '';
  return `${plain(setting.does)} (${from}default ${plain(setting.defaultText)})`;
}

/**
 * Gives the command a flag for every setting of these groups that has one. Commander parses the
 * command line; each flag's text goes through its setting's own check, so a bad one stops the
 * command with the same sentence a bad variable does.
 */
export function addSettingFlags(
  command: Command,
  groups: readonly SettingGroup[],
  help: ReadonlyMap<AnySetting, string> = new Map(),
): Command {
  for (const setting of settingsOf(groups)) {
    const option = new Option(setting.flag!, help.get(setting) ?? helpOf(setting));
    command.addOption(option.argParser((text: string) => parseFlag(setting, text)));
  }
  return command;
}

/** Where the command's settings come from: the flags given on its command line, and the environment. */
export function settingSources(command: Command, groups: readonly SettingGroup[]): Sources {
  const opts = command.opts();
  const flags = new Map<AnySetting, unknown>();
  for (const setting of settingsOf(groups)) {
    const value = opts[new Option(setting.flag!).attributeName()];
    if (value !== undefined) flags.set(setting, value);
  }
  return { flags, env: process.env };
}
