import { ValidationError } from '@passerine/core';
import type { CommandOf, DecideContext } from '../commands.ts';
import { event, type WorkQueueEvent } from '../events.ts';
import { type Name, nameOfCanonical } from '../keys.ts';
import { specIdsOf } from '../lookup.ts';
import { EMPTY_CBOR_MAP } from '../opaque-bytes.ts';
import type { NamespaceState, WorkSpecState } from '../state.ts';
import { WorkSpecStatus, WorkUnitStatus } from '../status.ts';
import {
  leaseMs,
  optionalNumber,
  requireArray,
  requireInteger,
  requireName,
  requireText,
} from '../validate.ts';
import { chooseSpec } from './choose-spec.ts';
import { continuousKeys, generatesNow, isPaced } from './continuous.ts';

/** One get_work is one commit; this keeps it well inside a message. */
export const MAX_JOBS_PER_GET_WORK = 10_000;
const GENERATED_PRIORITY = -1;

/**
 * Specs that could give work now, under goordinated's filters plus work_spec_names and min_gb.
 * A spec that names a runner is only given to a caller that names it (the frontends' pumps).
 */
function eligibleSpecs(
  state: NamespaceState,
  now: number,
  names: Set<string> | undefined,
  availableGb: number | undefined,
) {
  const out: WorkSpecState[] = [];
  for (const spec of state.specs.values()) {
    const m = spec.meta;
    if (names ? !names.has(spec.id) : m.runner) continue;
    if (m.status !== WorkSpecStatus.RUNNABLE || m.weight <= 0) continue;
    if (m.max_running !== null && spec.counts[WorkUnitStatus.PENDING] >= m.max_running) continue;
    if (availableGb !== undefined && m.min_gb > availableGb) continue;
    if (isPaced(spec, now)) continue;
    if (spec.available.size === 0 && !generatesNow(spec, now)) continue;
    out.push(spec);
  }
  return out;
}

function checkOptions(cmd: CommandOf<'GetWork'>) {
  const workerId = requireText(cmd.workerId, 'worker_id');
  const maxJobs = Math.min(MAX_JOBS_PER_GET_WORK, requireInteger(cmd.maxJobs ?? 1, 'max_jobs', 1));
  const lease = leaseMs(cmd.leaseSeconds);
  const availableGb = optionalNumber(cmd.availableGb, 'available_gb');
  if (availableGb !== undefined && availableGb < 0) {
    throw new ValidationError('available_gb must not be negative', { field: 'available_gb' });
  }
  const names =
    cmd.workSpecNames === undefined || cmd.workSpecNames === null
      ? undefined
      : specIdsOf(
          requireArray(cmd.workSpecNames, 'work_spec_names').map((n, i) =>
            requireName(n, `work_spec_names[${i}]`),
          ),
        );
  return { workerId, maxJobs, lease, availableGb, names };
}

/**
 * get_work: all units from ONE spec, the best first. No events means no work. The answer
 * (spec, key, data, attempt id per unit) is read back with `startedWork` after evolving.
 */
export function decideGetWork(
  state: NamespaceState,
  cmd: CommandOf<'GetWork'>,
  ctx: DecideContext,
): WorkQueueEvent[] {
  const { workerId, maxJobs, lease, availableGb, names } = checkOptions(cmd);
  const eligible = eligibleSpecs(state, ctx.now, names, availableGb);
  if (eligible.length === 0) return [];
  const spec = chooseSpec(state, eligible, ctx.random);
  const m = spec.meta;
  let n = maxJobs;
  if (m.max_getwork > 0) n = Math.min(n, m.max_getwork);
  if (m.max_running !== null) n = Math.min(n, m.max_running - spec.counts[WorkUnitStatus.PENDING]);

  const events: WorkQueueEvent[] = [];
  const keys: Name[] = spec.available.peekFirst(n).map((u) => nameOfCanonical(u.key));
  if (keys.length < n && generatesNow(spec, ctx.now)) {
    const made = continuousKeys(spec, ctx.now, n - keys.length);
    events.push(
      event('WorkUnitsAdded', {
        spec: spec.name,
        at: ctx.now,
        continuous: true,
        units: made.map((key) => ({ key, data: EMPTY_CBOR_MAP, priority: GENERATED_PRIORITY })),
      }),
    );
    keys.push(...made);
  }
  const attempts = keys.map((key) => ({ id: ctx.nextId(), key }));
  events.push(
    event('AttemptsStarted', {
      spec: spec.name,
      workerId,
      at: ctx.now,
      expiresAt: ctx.now + lease,
      attempts,
      // The original starts a spec's interval at every get_work that gives out its units.
      ...(m.interval !== null ? { paces: true } : {}),
    }),
  );
  return events;
}
