import type { Operation } from './schemas.ts';

/**
 * Checks for the requests a busy worker sends on every cycle. A request that passes is exactly
 * what its zod schema accepts and returns unchanged (known fields only, right types), so it is
 * used as it is; anything else — including every invalid request — goes through zod, which names
 * the wrong field. Parsing every request with zod showed in the store's CPU (bench/RESULTS.md).
 */
type Check = (value: unknown) => boolean;

const isBytes = (v: unknown) => v instanceof Uint8Array;
const isName = (v: unknown) => (typeof v === 'string' || v instanceof Uint8Array) && v.length > 0;
const isKey = (v: unknown) => typeof v === 'string' || v instanceof Uint8Array;
const isId = (v: unknown) => typeof v === 'string' && v.length > 0;
const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isStatus = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5;
const isMaxJobs = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 1);
const isNames = (v: unknown) => Array.isArray(v) && v.every(isName);
const nullish =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null || check(v);

const fastShapes: Partial<Record<Operation, Record<string, Check>>> = {
  getWork: {
    workerId: isId,
    maxJobs: isMaxJobs,
    leaseSeconds: nullish(isFiniteNumber),
    specs: nullish(isNames),
    availableGb: nullish(isFiniteNumber),
  },
  finishAttempt: { attemptId: isId, data: nullish(isBytes) },
  failAttempt: { attemptId: isId, data: nullish(isBytes) },
  renewAttempt: { attemptId: isId, leaseSeconds: nullish(isFiniteNumber), data: nullish(isBytes) },
  updateWorkUnit: {
    spec: isName,
    key: isKey,
    leaseSeconds: nullish(isFiniteNumber),
    status: nullish(isStatus),
    data: nullish(isBytes),
    workerId: nullish((v) => typeof v === 'string'),
    fromWorkerId: nullish((v) => typeof v === 'string'),
  },
};

/** True when `request` is a plain, valid request of `op` that zod would return unchanged. */
export function passesFastPath(op: Operation, request: unknown): boolean {
  const shape = fastShapes[op];
  if (!shape || typeof request !== 'object' || request === null || Array.isArray(request)) return false;
  if (Object.getPrototypeOf(request) !== Object.prototype) return false;
  for (const field in request) if (!Object.hasOwn(shape, field)) return false;
  for (const field in shape) if (!shape[field]((request as Record<string, unknown>)[field])) return false;
  return true;
}
