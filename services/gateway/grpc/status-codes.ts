import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { asPasserineError, type ErrorCode } from '@passerine/core';

/** The one table from Passerine's error codes to gRPC status codes. */
export const grpcStatusOf: Record<ErrorCode, status> = {
  validation: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  illegal_state: status.FAILED_PRECONDITION,
  concurrency: status.ABORTED,
  too_large: status.RESOURCE_EXHAUSTED,
  timeout: status.DEADLINE_EXCEEDED,
  unavailable: status.UNAVAILABLE,
  corrupt: status.DATA_LOSS,
  unauthenticated: status.UNAUTHENTICATED,
  forbidden: status.PERMISSION_DENIED,
  internal: status.INTERNAL,
};

/** A gRPC error carrying the Passerine code in metadata, so clients can branch on it. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = asPasserineError(err);
  const metadata = new Metadata();
  metadata.set('passerine-error-code', e.code);
  return { code: grpcStatusOf[e.code], details: e.message, metadata };
}

export function unimplemented(what: string): Partial<ServiceError> {
  return { code: status.UNIMPLEMENTED, details: what };
}
