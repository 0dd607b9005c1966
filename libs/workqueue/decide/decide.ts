import { ValidationError } from '@passerine/core';
import type { DecideContext, WorkQueueCommand } from '../commands.ts';
import type { WorkQueueEvent } from '../events.ts';
import type { NamespaceState } from '../state.ts';
import {
  decideFailAttempt,
  decideFinishAttempt,
  decideRenewAttempt,
  decideRetryAttempt,
} from './decide-attempts.ts';
import {
  decideClearNamespace,
  decideControlWorkSpec,
  decideDeleteWorkSpec,
  decideSetWorkSpec,
} from './decide-specs.ts';
import { decideExpireLeases, decideExpireUnits, decideReleaseDelayedUnits } from './decide-timers.ts';
import {
  decideAddWorkUnits,
  decideArchiveWorkUnits,
  decideDeleteWorkUnits,
  decidePrioritizeWorkUnits,
} from './decide-units.ts';
import { decideUpdateWorkUnit } from './decide-update-unit.ts';
import { decideExpireWorkers, decideUnregisterWorker, decideWorkerHeartbeat } from './decide-workers.ts';
import { decideGetWork } from './get-work.ts';
import { decideApplyRetention } from './decide-retention.ts';

/**
 * The work queue's decide (the Decider convention of libs/core): validates the command against the
 * state and returns the events that record what was decided. Never mutates the state; throws a
 * PasserineError (ValidationError naming the field, NotFoundError, IllegalStateError) and then
 * nothing has happened. An empty list means there was nothing to do (no work for get_work, nothing
 * matched, nothing due).
 */
export function decide(
  command: WorkQueueCommand,
  state: NamespaceState,
  ctx: DecideContext,
): WorkQueueEvent[] {
  switch (command.type) {
    case 'SetWorkSpec':
      return decideSetWorkSpec(command);
    case 'DeleteWorkSpec':
      return decideDeleteWorkSpec(state, command, ctx);
    case 'ControlWorkSpec':
      return decideControlWorkSpec(state, command);
    case 'ClearNamespace':
      return decideClearNamespace(state, ctx);
    case 'AddWorkUnits':
      return decideAddWorkUnits(state, command, ctx);
    case 'PrioritizeWorkUnits':
      return decidePrioritizeWorkUnits(state, command);
    case 'DeleteWorkUnits':
      return decideDeleteWorkUnits(state, command, ctx);
    case 'ArchiveWorkUnits':
      return decideArchiveWorkUnits(state, command, ctx);
    case 'UpdateWorkUnit':
      return decideUpdateWorkUnit(state, command, ctx);
    case 'GetWork':
      return decideGetWork(state, command, ctx);
    case 'RenewAttempt':
      return decideRenewAttempt(state, command, ctx);
    case 'FinishAttempt':
      return decideFinishAttempt(state, command, ctx);
    case 'FailAttempt':
      return decideFailAttempt(state, command, ctx);
    case 'RetryAttempt':
      return decideRetryAttempt(state, command, ctx);
    case 'RecordWorkerHeartbeat':
      return decideWorkerHeartbeat(command, ctx);
    case 'UnregisterWorker':
      return decideUnregisterWorker(state, command, ctx);
    case 'ExpireLeases':
      return decideExpireLeases(state, command, ctx);
    case 'ExpireWorkers':
      return decideExpireWorkers(state, ctx);
    case 'ReleaseDelayedUnits':
      return decideReleaseDelayedUnits(state, command, ctx);
    case 'ExpireUnits':
      return decideExpireUnits(state, command, ctx);
    case 'ApplyRetention':
      return decideApplyRetention(state, command, ctx);
    default: {
      const type = (command as { type?: unknown }).type;
      throw new ValidationError(`unknown work queue command '${String(type)}'`, { field: 'type' });
    }
  }
}
