import { NotFoundError, PasserineError } from '@passerine/core';

/** What a handler throws for a method it does not know; the client sees "no such method 'x'". */
export function noSuchMethod(method: string): NotFoundError {
  return new NotFoundError(`no such method '${method}'`, { method });
}

/** The text put in {error: {message}}: the error's own message, which names what was wrong. */
export function errorMessageOf(err: unknown): string {
  if (err instanceof PasserineError || err instanceof Error) return err.message || err.name;
  return String(err);
}

/** Errors that are not a client's fault, worth a log line with the stack. */
export function isUnexpected(err: unknown): boolean {
  return !(err instanceof PasserineError) || err.code === 'internal';
}
