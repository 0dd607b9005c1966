import { ValidationError } from '@passerine/core';
import type { CommandOf, DecideContext, UnitOutput } from '../commands.ts';
import { event, type UnitToAdd, type WorkQueueEvent } from '../events.ts';
import { archivableUnits, unitsMatching } from '../evolve/evolve-units.ts';
import { findSpec, requireSpec } from '../lookup.ts';
import { checkIdempotencyKey, digestOfAdd, repeatedAdd } from './idempotency.ts';
import type { NamespaceState, WorkSpecState, WorkUnitState } from '../state.ts';
import { isUnitStatus } from '../status.ts';
import {
  optionalNumber,
  requireArray,
  requireBytes,
  requireKey,
  requireName,
  requireNumber,
} from '../validate.ts';

export function checkUnits(units: unknown, field: string, defaultPriority = 0, now?: number): UnitToAdd[] {
  return requireArray(units, field).map((u, i): UnitToAdd => {
    const unit = (u ?? {}) as Partial<UnitOutput>;
    const checked: UnitToAdd = {
      key: requireKey(unit.key, `${field}[${i}].key`),
      data: requireBytes(unit.data, `${field}[${i}].data`),
      priority: optionalNumber(unit.priority, `${field}[${i}].priority`) ?? defaultPriority,
    };
    if (now === undefined) return checked;
    return { ...checked, ...checkTimes(unit, `${field}[${i}]`, now) };
  });
}

/** A not-before in the past means now; a time to live already over is refused at submit. */
function checkTimes(unit: Partial<UnitOutput>, field: string, now: number): Partial<UnitToAdd> {
  const notBefore = optionalNumber(unit.notBefore, `${field}.not_before`);
  const expiresAt = optionalNumber(unit.expiresAt, `${field}.expires_at`);
  const out: Partial<UnitToAdd> = {};
  if (notBefore !== undefined && notBefore * 1000 > now) out.notBefore = Math.round(notBefore * 1000);
  if (expiresAt !== undefined) {
    const at = Math.round(expiresAt * 1000);
    if (at <= now) {
      throw new ValidationError(
        `${field}.expires_at ${new Date(at).toISOString()} has already passed; the unit would never run`,
        { field: `${field}.expires_at` },
      );
    }
    if (out.notBefore !== undefined && at <= out.notBefore) {
      throw new ValidationError(`${field}.expires_at is not after its not_before; the unit would never run`, {
        field: `${field}.expires_at`,
      });
    }
    out.expiresAt = at;
  }
  return out;
}

export function decideAddWorkUnits(
  state: NamespaceState,
  cmd: CommandOf<'AddWorkUnits'>,
  ctx: DecideContext,
) {
  const spec = requireSpec(state, requireName(cmd.spec, 'work_spec_name'));
  const units = checkUnits(cmd.units, 'work_units', 0, ctx.now);
  const key = checkIdempotencyKey(cmd.idempotencyKey);
  if (units.length === 0) return [];
  if (key === undefined) return [event('WorkUnitsAdded', { spec: spec.name, at: ctx.now, units })];
  const digest = digestOfAdd(spec.name, units);
  if (repeatedAdd(state, key, digest, ctx.now)) return [];
  return [event('WorkUnitsAdded', { spec: spec.name, at: ctx.now, units, idempotency: { key, digest } })];
}

/**
 * The `then` rule: outputs of a finished unit become units of the spec its spec names in
 * `then`, with the finished unit's priority unless they name their own. Like Coordinate, outputs
 * are dropped when there is no `then` or that spec does not exist: the finish itself must not
 * fail over the next stage's configuration.
 */
export function decideOutputs(
  state: NamespaceState,
  spec: WorkSpecState,
  finished: WorkUnitState,
  outputs: unknown,
  ctx: DecideContext,
): WorkQueueEvent[] {
  if (outputs === undefined || outputs === null || spec.meta.then === null) return [];
  const units = checkUnits(outputs, 'outputs', finished.priority);
  const next = findSpec(state, spec.meta.then);
  if (!next || units.length === 0) return [];
  return [event('WorkUnitsAdded', { spec: next.name, at: ctx.now, units })];
}

export function decidePrioritizeWorkUnits(state: NamespaceState, cmd: CommandOf<'PrioritizeWorkUnits'>) {
  const spec = requireSpec(state, requireName(cmd.spec, 'work_spec_name'));
  const keys = requireArray(cmd.keys, 'work_unit_keys').map((k, i) => requireKey(k, `work_unit_keys[${i}]`));
  const priority = optionalNumber(cmd.priority, 'priority');
  const adjustment = optionalNumber(cmd.adjustment, 'adjustment');
  // Neither: nothing to change, as in the original (its client sends priority 1 then).
  if ((priority === undefined && adjustment === undefined) || keys.length === 0) return [];
  return [
    event(
      'WorkUnitsPrioritized',
      priority !== undefined ? { spec: spec.name, keys, priority } : { spec: spec.name, keys, adjustment },
    ),
  ];
}

function checkStates(value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((s) => {
    if (!isUnitStatus(s))
      throw new ValidationError('state must be a work unit status 1..5 or a list of them', {
        field: 'state',
      });
    return s;
  });
}

/** The number deleted is the `count` of the event; no event means nothing matched. */
export function decideDeleteWorkUnits(
  state: NamespaceState,
  cmd: CommandOf<'DeleteWorkUnits'>,
  ctx: DecideContext,
) {
  const spec = requireSpec(state, requireName(cmd.spec, 'work_spec_name'));
  const all = cmd.all === true;
  const keys =
    cmd.keys === undefined || cmd.keys === null
      ? undefined
      : requireArray(cmd.keys, 'work_unit_keys').map((k, i) => requireKey(k, `work_unit_keys[${i}]`));
  const statuses = checkStates(cmd.state);
  if (!all && !keys?.length && !statuses?.length) {
    throw new ValidationError('no usable options to del_work_units', { field: 'options' });
  }
  const filter = all ? { all } : { keys, statuses };
  const count = unitsMatching(spec, filter).length;
  if (count === 0) return [];
  const data = { spec: spec.name, at: ctx.now, count, ...(all ? { all } : {}) } as const;
  return [
    event('WorkUnitsDeleted', {
      ...data,
      ...(!all && keys ? { keys } : {}),
      ...(!all && statuses ? { statuses } : {}),
    }),
  ];
}

export function decideArchiveWorkUnits(
  state: NamespaceState,
  cmd: CommandOf<'ArchiveWorkUnits'>,
  ctx: DecideContext,
) {
  const maxAge = requireNumber(cmd.maxAgeSeconds, 'max_age');
  if (maxAge < 0) throw new ValidationError('max_age must not be negative', { field: 'max_age' });
  const only =
    cmd.spec === undefined || cmd.spec === null
      ? undefined
      : requireSpec(state, requireName(cmd.spec, 'work_spec_name'));
  const before = ctx.now - maxAge * 1000;
  const specs = only ? [only] : [...state.specs.values()];
  const count = specs.reduce((n, spec) => n + archivableUnits(spec, before).length, 0);
  if (count === 0) return [];
  return [event('UnitsArchived', { at: ctx.now, before, count, ...(only ? { spec: only.name } : {}) })];
}
