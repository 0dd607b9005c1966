import { type AnySetting, readSetting, type Setting, type Sources } from './setting.ts';

/**
 * The settings one part of Passerine reads, under the names of its options: reading a group gives
 * the typed option object that part takes. `readBy` names it in the README.
 */
export interface SettingGroup<S extends Record<string, AnySetting> = Record<string, AnySetting>> {
  readonly readBy: readonly string[];
  readonly settings: S;
}

export type SettingValues<G extends SettingGroup> = {
  -readonly [K in keyof G['settings']]: G['settings'][K] extends Setting<infer T> ? T : never;
};

export function group<S extends Record<string, AnySetting>>(
  readBy: readonly string[],
  settings: S,
): SettingGroup<S> {
  return { readBy, settings };
}

/** Every setting of the group, each from its flag, else its variable, else its default. */
export function readSettings<G extends SettingGroup>(group: G, sources: Sources): SettingValues<G> {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(group.settings)) values[key] = readSetting(setting, sources);
  return values as SettingValues<G>;
}
