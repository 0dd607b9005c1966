import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import type { AttemptRef, CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { isName, type Name, nameOfCanonical } from '../keys.ts';
import { findSpec, findUnit } from '../lookup.ts';
import type { AttemptState, NamespaceState, WorkSpecState } from '../state.ts';
import { optionalBytes, optionalNumber, renewalMs, requireText } from '../validate.ts';
import { decideOutputs } from './decide-units.ts';
import { lostLeaseError } from './fencing.ts';
import { retriesExhausted } from './retry-limit.ts';

interface Held {
  attempt: AttemptState;
  spec: WorkSpecState;
  ref: { id: string; spec: WorkSpecState['name']; key: ReturnType<typeof nameOfCanonical> };
}

/**
 * The pending attempt; an ended one is no longer the machine's to move (pending is its only live
 * state). Named with its unit, an ended attempt whose unit was leased again since is refused as a
 * lost lease, naming the current attempt.
 */
export function requireHeld(
  state: NamespaceState,
  attemptId: unknown,
  hint?: Omit<AttemptRef, 'attemptId'>,
): Held {
  const id = requireText(attemptId, 'attempt_id');
  const attempt = state.pending.get(id);
  if (!attempt) {
    const ended =
      hint?.spec != null && hint.key != null ? findEnded(state, hint.spec, hint.key, id) : undefined;
    const current = ended?.unit.last;
    if (ended && current && current !== ended) throw lostLeaseError(hint?.key as Name, ended, current);
    if (ended)
      throw new IllegalStateError(`attempt '${id}' is ${ended.status}, not pending`, {
        attempt_id: id,
        status: ended.status,
      });
    throw new NotFoundError(`no pending attempt '${id}'`, { attempt_id: id });
  }
  const spec = state.specs.get(attempt.unit.specId);
  if (!spec)
    throw new IllegalStateError(`attempt '${id}' belongs to a deleted work spec`, { attempt_id: id });
  return { attempt, spec, ref: { id, spec: spec.name, key: nameOfCanonical(attempt.unit.key) } };
}

function findEnded(state: NamespaceState, spec: Name, key: Name, id: string): AttemptState | undefined {
  if (!isName(spec) || !isName(key)) return undefined;
  const found = findSpec(state, spec);
  let attempt = (found && findUnit(found, key)?.last) ?? null;
  while (attempt && attempt.id !== id) attempt = attempt.prev;
  return attempt ?? undefined;
}

export function renewEvent(
  held: Held,
  leaseSeconds: unknown,
  data: Uint8Array | undefined,
  ctx: DecideContext,
) {
  const expiresAt = ctx.now + renewalMs(leaseSeconds);
  return event('AttemptRenewed', { ...held.ref, at: ctx.now, expiresAt, ...(data ? { data } : {}) });
}

export function finishEvents(
  state: NamespaceState,
  held: Held,
  data: Uint8Array | undefined,
  outputs: unknown,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const next = decideOutputs(state, held.spec, held.attempt.unit, outputs, ctx);
  return [event('AttemptFinished', { ...held.ref, at: ctx.now, ...(data ? { data } : {}) }), ...next];
}

export function failEvent(
  held: Held,
  data: Uint8Array | undefined,
  traceback: string | undefined,
  ctx: DecideContext,
) {
  return event('AttemptFailed', {
    ...held.ref,
    at: ctx.now,
    ...(data ? { data } : {}),
    ...(traceback !== undefined ? { traceback } : {}),
  });
}

/** A retry of a unit that has been tried too often is a failure instead. */
export function retryEvent(
  held: Held,
  data: Uint8Array | undefined,
  delaySeconds: unknown,
  ctx: DecideContext,
) {
  const delay = optionalNumber(delaySeconds, 'delay') ?? 0;
  if (delay < 0) throw new ValidationError('delay must not be negative', { field: 'delay' });
  const exhausted = retriesExhausted(held.spec, held.attempt.unit);
  if (exhausted !== undefined) return failEvent(held, data, exhausted, ctx);
  return event('AttemptRetried', {
    ...held.ref,
    at: ctx.now,
    availableAt: ctx.now + Math.round(delay * 1000),
    ...(data ? { data } : {}),
  });
}

export function decideRenewAttempt(
  state: NamespaceState,
  cmd: CommandOf<'RenewAttempt'>,
  ctx: DecideContext,
) {
  const held = requireHeld(state, cmd.attemptId, cmd);
  return [renewEvent(held, cmd.leaseSeconds, optionalBytes(cmd.data, 'data'), ctx)];
}

export function decideFinishAttempt(
  state: NamespaceState,
  cmd: CommandOf<'FinishAttempt'>,
  ctx: DecideContext,
) {
  const held = requireHeld(state, cmd.attemptId, cmd);
  return finishEvents(state, held, optionalBytes(cmd.data, 'data'), cmd.outputs, ctx);
}

export function decideFailAttempt(state: NamespaceState, cmd: CommandOf<'FailAttempt'>, ctx: DecideContext) {
  const held = requireHeld(state, cmd.attemptId, cmd);
  const traceback = cmd.traceback === undefined || cmd.traceback === null ? undefined : String(cmd.traceback);
  return [failEvent(held, optionalBytes(cmd.data, 'data'), traceback, ctx)];
}

export function decideRetryAttempt(
  state: NamespaceState,
  cmd: CommandOf<'RetryAttempt'>,
  ctx: DecideContext,
) {
  const held = requireHeld(state, cmd.attemptId, cmd);
  return [retryEvent(held, optionalBytes(cmd.data, 'data'), cmd.delaySeconds, ctx)];
}
