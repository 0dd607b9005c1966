import { NotFoundError, ValidationError } from '@passerine/core';
import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type ExpiredAttempt, type WorkQueueEvent } from '../events.ts';
import { nameOfCanonical } from '../keys.ts';
import { EMPTY_CBOR_MAP } from '../opaque-bytes.ts';
import type { AttemptState, NamespaceState } from '../state.ts';
import { optionalBytes, optionalNumber, requireKey, requireName, requireText } from '../validate.ts';
import { retriesExhausted } from './retry-limit.ts';

export function decideWorkerHeartbeat(cmd: CommandOf<'RecordWorkerHeartbeat'>, ctx: DecideContext) {
  const workerId = requireText(cmd.workerId, 'worker_id');
  const mode = cmd.mode === undefined || cmd.mode === null ? null : requireKey(cmd.mode, 'mode');
  const wireId =
    cmd.wireId === undefined || cmd.wireId === null ? undefined : requireName(cmd.wireId, 'worker_id');
  const expireSeconds = optionalNumber(cmd.expireSeconds, 'expire_seconds');
  const parent = cmd.parent === undefined || cmd.parent === null ? null : requireText(cmd.parent, 'parent');
  if (parent === workerId)
    throw new ValidationError('a worker cannot be its own parent', { field: 'parent' });
  return [
    event('WorkerHeartbeat', {
      workerId,
      ...(wireId !== undefined && wireId !== workerId ? { wireId } : {}),
      ...(cmd.internal === true ? { internal: true } : {}),
      at: ctx.now,
      mode,
      // 0 is "never" in the state, so a lease of 0 seconds ends a millisecond on.
      expiresAt: expireSeconds === undefined ? 0 : ctx.now + Math.max(1, Math.round(expireSeconds * 1000)),
      data: optionalBytes(cmd.data, 'data') ?? EMPTY_CBOR_MAP,
      parent,
    }),
  ];
}

/** Attempts ending because their lease or their worker is gone; each may exhaust max_retries. */
export function expiredAttempts(state: NamespaceState, attempts: Iterable<AttemptState>): ExpiredAttempt[] {
  const out: ExpiredAttempt[] = [];
  for (const attempt of attempts) {
    const spec = state.specs.get(attempt.unit.specId);
    if (!spec) continue;
    const traceback = retriesExhausted(spec, attempt.unit);
    const ref = { id: attempt.id, spec: spec.name, key: nameOfCanonical(attempt.unit.key) };
    out.push(traceback === undefined ? ref : { ...ref, traceback });
  }
  return out;
}

function workerAttemptsExpired(
  state: NamespaceState,
  workerIds: string[],
  ctx: DecideContext,
): WorkQueueEvent[] {
  const attempts = workerIds.flatMap((id) => [...(state.pendingByWorker.get(id) ?? [])]);
  if (attempts.length === 0) return [];
  return [
    event('AttemptsExpired', { at: ctx.now, reason: 'worker', attempts: expiredAttempts(state, attempts) }),
  ];
}

/** Unregistering a worker nobody knows is refused, as in Coordinate. Its pending attempts expire. */
export function decideUnregisterWorker(
  state: NamespaceState,
  cmd: CommandOf<'UnregisterWorker'>,
  ctx: DecideContext,
) {
  const workerId = requireText(cmd.workerId, 'worker_id');
  if (!state.workers.has(workerId))
    throw new NotFoundError(`no worker '${workerId}'`, { worker_id: workerId });
  return [
    event('WorkerUnregistered', { workerId, at: ctx.now }),
    ...workerAttemptsExpired(state, [workerId], ctx),
  ];
}

export function decideExpireWorkers(state: NamespaceState, ctx: DecideContext): WorkQueueEvent[] {
  const workerIds: string[] = [];
  for (const worker of state.workers.values()) {
    if (worker.expiresAt > 0 && worker.expiresAt <= ctx.now) workerIds.push(worker.id);
  }
  if (workerIds.length === 0) return [];
  return [
    event('WorkersExpired', { at: ctx.now, workerIds }),
    ...workerAttemptsExpired(state, workerIds, ctx),
  ];
}
