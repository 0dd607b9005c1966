import { ValidationError } from '@passerine/core';
import type { Kind } from './kinds.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** One setting: a variable, a flag, or both (the flag wins over the variable, the variable over the default). */
export interface Setting<T> {
  readonly env?: string;
  /** The flag with its argument as commander takes it, e.g. `--cbor-port <port>`. */
  readonly flag?: string;
  readonly kind: Kind<NonNullable<T>>;
  /** The value when neither the flag nor the variable is given. */
  readonly fallback: () => T;
  /** The default in words, for the README and `--help` (markdown: code in backticks). */
  readonly defaultText: string;
  /** What the setting does, for the README and `--help`. */
  readonly does: string;
}

interface SettingSpec<T> {
  env?: string;
  flag?: string;
  kind: Kind<T>;
  does: string;
}

/** A default computed when needed (the machine's cores), rather than a value. */
type Computed<T> = () => T;

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.length ? `\`${value.join(',')}\`` : 'none';
  return `\`${String(value)}\``;
}

/** A setting with a default; one that has none is undefined when not given. */
export function setting<T>(
  spec: SettingSpec<T> & { default: NoInfer<T> | Computed<NoInfer<T>>; defaultText?: string },
): Setting<T>;
export function setting<T>(spec: SettingSpec<T> & { defaultText: string }): Setting<T | undefined>;
export function setting<T>(
  spec: SettingSpec<T> & { default?: T | Computed<T>; defaultText?: string },
): Setting<T | undefined> {
  if (!spec.env && !spec.flag) throw new Error(`a setting needs a variable or a flag: ${spec.does}`);
  const given = spec.default;
  const fallback = typeof given === 'function' ? (given as Computed<T>) : () => given;
  return {
    env: spec.env,
    flag: spec.flag,
    kind: spec.kind as Kind<NonNullable<T>>,
    fallback,
    defaultText: spec.defaultText ?? shown(given),
    does: spec.does,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: settings of every value type side by side (a group, the flags given)
export type AnySetting = Setting<any>;

/** A value that stops start-up: its message is the one sentence the user reads. */
export class ConfigError extends ValidationError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message, { setting });
  }
}

/** The name a user sees for the flag: `--cbor-port`. */
export function flagName(setting: Setting<unknown>): string {
  return setting.flag?.split(/[ =]/)[0] ?? '';
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function parse<T>(kind: Kind<T>, text: string, name: string): T {
  const result = kind.schema.safeParse(text);
  if (!result.success) throw new ConfigError(name, `${name} must be ${kind.accepts}, not ${quoted(text)}.`);
  return result.data;
}

/** A flag's text to its value; commander's option parser for the flag calls this. */
export function parseFlag<T>(setting: Setting<T>, text: string): NonNullable<T> {
  return parse(setting.kind, text, flagName(setting));
}

/** Where values come from: the flags commander parsed (by the setting they set), and the environment. */
export interface Sources {
  readonly flags?: ReadonlyMap<AnySetting, unknown>;
  readonly env?: Env;
}

/** The flag's value, else the variable's, else undefined: what was given, without the default. */
export function readGiven<T>(setting: Setting<T>, sources: Sources): NonNullable<T> | undefined {
  const flagged = sources.flags?.get(setting);
  if (flagged !== undefined) return flagged as NonNullable<T>;
  const text = setting.env === undefined ? undefined : sources.env?.[setting.env];
  if (text === undefined || (text === '' && setting.kind.emptyIsUnset)) return undefined;
  return parse(setting.kind, text, setting.env!);
}

/** The flag's value, else the variable's, else the default. */
export function readSetting<T>(setting: Setting<T>, sources: Sources): T {
  return readGiven(setting, sources) ?? setting.fallback();
}
