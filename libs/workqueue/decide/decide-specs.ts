import { IllegalStateError, ValidationError } from '@passerine/core';
import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { isName, plainName } from '../keys.ts';
import { requireSpec } from '../lookup.ts';
import { defaultWorkSpecMeta, type WorkSpecControls, type WorkSpecMeta } from '../spec-meta.ts';
import type { NamespaceState } from '../state.ts';
import { requireBytes, requireInteger, requireName, requireNumber } from '../validate.ts';

function checkStatus(value: unknown): 1 | 2 {
  if (value !== 1 && value !== 2)
    throw new ValidationError('status must be 1 (runnable) or 2 (paused)', { field: 'status' });
  return value;
}

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(`${field} must be true or false`, { field });
  return value;
}

function nonNegative(value: unknown, field: string): number {
  const n = requireNumber(value, field);
  if (n < 0) throw new ValidationError(`${field} must not be negative`, { field });
  return n;
}

/** Checks what is given and fills the rest with Coordinate's defaults. */
function normalizeMeta(meta: Partial<WorkSpecMeta> | undefined): WorkSpecMeta {
  const m = meta ?? {};
  const has = (k: keyof WorkSpecMeta) => m[k] !== undefined && m[k] !== null;
  const then = has('then') ? m.then : null;
  if (then !== null && then !== undefined && !isName(then)) {
    throw new ValidationError('then must be a text or byte string', { field: 'then' });
  }
  return {
    priority: has('priority') ? requireNumber(m.priority, 'priority') : defaultWorkSpecMeta.priority,
    weight: has('weight') ? requireNumber(m.weight, 'weight') : defaultWorkSpecMeta.weight,
    max_running: has('max_running') ? requireInteger(m.max_running, 'max_running', 0) : null,
    max_getwork: has('max_getwork') ? requireInteger(m.max_getwork, 'max_getwork', 0) : 0,
    max_retries: has('max_retries') ? requireInteger(m.max_retries, 'max_retries', 0) : 0,
    continuous: has('continuous') ? checkBoolean(m.continuous, 'continuous') : false,
    interval: has('interval') ? Math.max(0, requireNumber(m.interval, 'interval')) : null,
    // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
    then: then ?? null,
    then_preempts: has('then_preempts') ? checkBoolean(m.then_preempts, 'then_preempts') : true,
    status: has('status') ? checkStatus(m.status) : defaultWorkSpecMeta.status,
    min_gb: has('min_gb') ? requireNumber(m.min_gb, 'min_gb') : 0,
    runner: has('runner') ? checkBoolean(m.runner, 'runner') : false,
    retention_max_age: has('retention_max_age')
      ? nonNegative(m.retention_max_age, 'retention_max_age')
      : null,
    retention_max_count: has('retention_max_count')
      ? requireInteger(m.retention_max_count, 'retention_max_count', 0)
      : null,
  };
}

export function decideSetWorkSpec(cmd: CommandOf<'SetWorkSpec'>): WorkQueueEvent[] {
  const name = requireName(cmd.name, 'name');
  const data = requireBytes(cmd.data, 'data');
  return [event('WorkSpecSet', { name, data, meta: normalizeMeta(cmd.meta) })];
}

export function decideDeleteWorkSpec(
  state: NamespaceState,
  cmd: CommandOf<'DeleteWorkSpec'>,
  ctx: DecideContext,
) {
  const spec = requireSpec(state, requireName(cmd.name, 'name'));
  return [event('WorkSpecDeleted', { spec: spec.name, at: ctx.now })];
}

export function decideControlWorkSpec(state: NamespaceState, cmd: CommandOf<'ControlWorkSpec'>) {
  const spec = requireSpec(state, requireName(cmd.name, 'name'));
  const given = cmd.changes ?? {};
  const changes: WorkSpecControls = {};
  if (given.status != null) changes.status = checkStatus(given.status);
  if (given.continuous != null) changes.continuous = checkBoolean(given.continuous, 'continuous');
  if (changes.continuous === true && cmd.declaredContinuous === false) {
    throw new IllegalStateError(`cannot make non-continuous work spec ${plainName(spec.name)} continuous`, {
      field: 'continuous',
    });
  }
  if (given.weight != null) changes.weight = requireNumber(given.weight, 'weight');
  if (given.interval != null) changes.interval = Math.max(0, requireNumber(given.interval, 'interval'));
  if (given.max_running != null) changes.max_running = requireInteger(given.max_running, 'max_running', 0);
  return [event('WorkSpecControlled', { name: spec.name, changes })];
}

export function decideClearNamespace(state: NamespaceState, ctx: DecideContext) {
  return [event('NamespaceCleared', { at: ctx.now, specCount: state.specs.size })];
}
