export * from './kinds.ts';
export {
  type AnySetting,
  ConfigError,
  type Env,
  flagName,
  parseFlag,
  readGiven,
  readSetting,
  type Setting,
  type Sources,
  setting,
} from './setting.ts';
export { group, readSettings, type SettingGroup, type SettingValues } from './group.ts';
export * from './settings.ts';
export { CommandVariable, commandVariableDocs, OUTPUT_LINE_PREFIX } from './command-environment.ts';
export { commandVariablesTable, settingsTable } from './tables.ts';
export { DATA_DIR, dataDir, ENDPOINTS_FILE, type Endpoints, readEndpoints } from './up-endpoints.ts';
