import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, quiet by default: warnings and errors only unless the level passed in (the
 * setting PASSERINE_LOG_LEVEL / --log-level, read by @passerine/config) says otherwise. Services get
 * child loggers carrying their name.
 */
export function createLogger(
  options: { level?: string; name?: string; mixin?: () => Record<string, unknown> } = {},
): Logger {
  const level = options.level ?? 'warn';
  // The mixin adds fields to every line (the trace and span id of the active span, when tracing).
  return pino({ level, name: options.name ?? 'passerine', base: undefined, mixin: options.mixin });
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
