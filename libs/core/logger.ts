import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, quiet by default: warnings and errors only unless the level passed in (the
 * setting PASSERINE_LOG_LEVEL / --log-level, read by @passerine/config) says otherwise. Services get
 * child loggers carrying their name.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const level = options.level ?? 'warn';
  return pino({ level, name: options.name ?? 'passerine', base: undefined });
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
