/**
 * One small error hierarchy for all of Passerine. Each edge (CBOR-RPC, gRPC, HTTP, CLI) maps the
 * `code` to its own status in one table; the message always names what was wrong.
 */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'illegal_state'
  | 'concurrency'
  | 'too_large'
  | 'timeout'
  | 'unavailable'
  | 'corrupt'
  | 'unauthenticated'
  | 'forbidden'
  | 'internal';

/** HTTP-style numbers, used by the edges that speak in numbers. */
export const httpStatusOf: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  illegal_state: 403,
  not_found: 404,
  timeout: 408,
  concurrency: 412,
  too_large: 413,
  corrupt: 422,
  internal: 500,
  unavailable: 503,
};

export class PasserineError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation', message, details);
  }
}

export class NotFoundError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not_found', message, details);
  }
}

export class IllegalStateError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('illegal_state', message, details);
  }
}

/** An append whose expected last sequence did not match: someone else wrote first (or we were deposed). */
export class ConcurrencyError extends PasserineError {
  readonly expected?: number;
  readonly actual?: number;

  constructor(message: string, expected?: number, actual?: number) {
    super('concurrency', message, { expected, actual });
    this.expected = expected;
    this.actual = actual;
  }
}

export class TooLargeError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('too_large', message, details);
  }
}

export class TimeoutError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('timeout', message, details);
  }
}

export class UnavailableError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unavailable', message, details);
  }
}

/** No credential, or one nobody issued: who is calling is not known. */
export class UnauthenticatedError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unauthenticated', message, details);
  }
}

/** A known caller asked for what its role or namespace does not allow. */
export class ForbiddenError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', message, details);
  }
}

export class CorruptError extends PasserineError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('corrupt', message, details);
  }
}

/** Wraps anything thrown into a PasserineError, keeping the original as the cause. */
/**
 * The NATS client's errors that mean "try again" (by their names, so that core needs no NATS
 * package): a request that timed out while a cluster moves a leader, or found no responder while
 * a service restarts, is retriable, not an internal fault.
 */
const RETRIABLE_NATS_ERRORS: Record<string, ErrorCode> = {
  TimeoutError: 'timeout',
  NoResponders: 'unavailable',
  ConnectionError: 'unavailable',
};

export function asPasserineError(err: unknown): PasserineError {
  if (err instanceof PasserineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error ? (RETRIABLE_NATS_ERRORS[err.name] ?? 'internal') : 'internal';
  return new PasserineError(code, message, undefined, { cause: err });
}

/** The plain shape an error takes on the wire between services. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function toWireError(err: unknown): WireError {
  const e = asPasserineError(err);
  return e.details
    ? { code: e.code, message: e.message, details: e.details }
    : { code: e.code, message: e.message };
}

export function fromWireError(wire: WireError): PasserineError {
  if (wire.code === 'concurrency') {
    const d = wire.details ?? {};
    return new ConcurrencyError(
      wire.message,
      d.expected as number | undefined,
      d.actual as number | undefined,
    );
  }
  return new PasserineError(wire.code, wire.message, wire.details);
}

/** An evolve function met an event type it does not know. */
export class UnknownEventError extends PasserineError {
  constructor(type: string) {
    super('corrupt', `unknown event type ${JSON.stringify(type)}`, { type });
  }
}

/** An event written by a newer schema than this build reads: the replica must be upgraded. */
export class EventVersionError extends PasserineError {
  constructor(type: string, version: number, supported: number) {
    super(
      'corrupt',
      `event ${type} v${version} is newer than this build understands (v${supported}): upgrade this replica`,
      {
        type,
        version,
        supported,
      },
    );
  }
}
