import { ValidationError } from '@passerine/core';
import { passesFastPath } from './fast-paths.ts';
import { type Operation, schemas } from './schemas.ts';

/** Validates a request of `op`, naming the first wrong field. */
export function validateRequest<Op extends Operation>(op: Op, request: unknown) {
  if (passesFastPath(op, request)) return request as import('zod').output<(typeof schemas)[Op]>;
  const result = schemas[op].safeParse(request ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : 'request';
    throw new ValidationError(`${op}: ${field}: ${issue.message}`, { field });
  }
  return result.data as import('zod').output<(typeof schemas)[Op]>;
}
