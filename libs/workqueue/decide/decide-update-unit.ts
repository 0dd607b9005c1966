import { IllegalStateError, ValidationError } from '@passerine/core';
import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { describeName, nameOfCanonical } from '../keys.ts';
import { nextUnitStatus } from '../lifecycle/tables.ts';
import { pendingAttemptOf, requireSpec, requireUnit } from '../lookup.ts';
import type { NamespaceState } from '../state.ts';
import { WorkUnitStatus } from '../status.ts';
import {
  optionalBytes,
  optionalNumber,
  renewalMs,
  requireKey,
  requireName,
  requireText,
} from '../validate.ts';
import { failEvent, finishEvents, renewEvent, requireHeld, retryEvent } from './decide-attempts.ts';
import { decideOutputs } from './decide-units.ts';
import { refuseLostLease } from './fencing.ts';

/**
 * Coordinate's update_work_unit, addressed by key. A unit somebody holds moves through its
 * attempt (renew / finish / fail / retry); a unit nobody holds is set directly (Coordinate lets
 * a late worker finish a unit whose lease already ran out). A lease without a status means
 * PENDING: renew, or start a new attempt for `workerId`. An update from a worker whose lease was
 * lost to a later attempt is refused (fencing.ts).
 */
export function decideUpdateWorkUnit(
  state: NamespaceState,
  cmd: CommandOf<'UpdateWorkUnit'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const spec = requireSpec(state, requireName(cmd.spec, 'work_spec_name'));
  const key = requireKey(cmd.key, 'work_unit_key');
  const unit = requireUnit(spec, key);
  const leaseSeconds = optionalNumber(cmd.leaseSeconds, 'lease_time');
  const status = optionalNumber(cmd.status, 'status');
  if (leaseSeconds === undefined && status === undefined) {
    throw new ValidationError('nothing to do', { field: 'options' });
  }
  const target = status ?? WorkUnitStatus.PENDING;
  if (target !== 1 && target !== 3 && target !== 4 && target !== 5) {
    throw new ValidationError('status must be 1, 3, 4 or 5', { field: 'status' });
  }
  const data = optionalBytes(cmd.data, 'data');
  const workerId =
    cmd.workerId === undefined || cmd.workerId === null ? undefined : requireText(cmd.workerId, 'worker_id');
  const traceback = cmd.traceback === undefined || cmd.traceback === null ? undefined : String(cmd.traceback);
  const from = cmd.fromWorkerId == null ? workerId : requireText(cmd.fromWorkerId, 'worker_id');
  if (from !== undefined) refuseLostLease(unit, from, key);
  const held = pendingAttemptOf(state, unit);
  if (held && workerId !== undefined && held.workerId !== workerId) {
    throw new IllegalStateError(`work unit ${describeName(key)} is owned by worker '${held.workerId}'`, {
      field: 'worker_id',
    });
  }

  if (held) {
    const h = requireHeld(state, held.id);
    if (target === WorkUnitStatus.PENDING) return [renewEvent(h, leaseSeconds, data, ctx)];
    if (target === WorkUnitStatus.FINISHED) return finishEvents(state, h, data, cmd.outputs, ctx);
    if (target === WorkUnitStatus.FAILED) return [failEvent(h, data, traceback, ctx)];
    return [retryEvent(h, data, 0, ctx)];
  }

  const ref = { spec: spec.name, key: nameOfCanonical(unit.key), at: ctx.now };
  if (target === WorkUnitStatus.PENDING) {
    if (nextUnitStatus(unit.status, 'START') === 0) {
      throw new IllegalStateError(
        `work unit ${describeName(key)} cannot be leased from status ${unit.status}`,
        { status: unit.status },
      );
    }
    const id = ctx.nextId();
    const expiresAt = ctx.now + renewalMs(leaseSeconds);
    const started = event('AttemptsStarted', {
      spec: spec.name,
      workerId: workerId ?? '',
      at: ctx.now,
      expiresAt,
      attempts: [{ id, key: ref.key }],
    });
    if (!data) return [started];
    return [
      started,
      event('AttemptRenewed', { id, spec: spec.name, key: ref.key, at: ctx.now, expiresAt, data }),
    ];
  }
  const transition = target === 1 ? 'RESET' : target === 4 ? 'FORCE_FINISH' : 'FORCE_FAIL';
  const next = nextUnitStatus(unit.status, transition);
  if (next === 0) {
    throw new IllegalStateError(
      `work unit ${describeName(key)} cannot go from status ${unit.status} to ${target}`,
      { status: unit.status },
    );
  }
  if (next === unit.status && next !== WorkUnitStatus.AVAILABLE) {
    // Its machine keeps the ended unit where it is: nothing happens but the data it brings.
    return data ? [event('WorkUnitStatusSet', { ...ref, status: next as 4 | 5, data })] : [];
  }
  const set = event('WorkUnitStatusSet', {
    ...ref,
    status: target,
    ...(data ? { data } : {}),
    ...(target === 5 && traceback !== undefined ? { traceback } : {}),
  });
  return target === 4 ? [set, ...decideOutputs(state, spec, unit, cmd.outputs, ctx)] : [set];
}
