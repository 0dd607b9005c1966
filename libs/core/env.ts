import { ValidationError } from './errors.ts';

/** A positive number from an environment variable; undefined when unset, a clear error when not a number. */
export function positiveNumberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(`${name} must be a number > 0 (got ${text})`);
  return value;
}
