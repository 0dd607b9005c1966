import { deriveTransitionTable } from '@passerine/core';
import { type AttemptStatus, WorkUnitStatus } from '../status.ts';
import { type AttemptTransition, attemptMachine } from './attempt-machine.ts';
import { type WorkUnitTransition, workUnitMachine } from './work-unit-machine.ts';
import { type WorkerTransition, workerMachine } from './worker-machine.ts';

type UnitStateName = keyof typeof WorkUnitStatus;

const unitTable = deriveTransitionTable<UnitStateName, WorkUnitTransition>(workUnitMachine);
const attemptTable = deriveTransitionTable<AttemptStatus, AttemptTransition>(attemptMachine);
const workerTable = deriveTransitionTable<'unknown' | 'registered' | 'gone', WorkerTransition>(workerMachine);

const unitStateByStatus: Record<number, UnitStateName> = {
  1: 'AVAILABLE',
  2: 'BLOCKED',
  3: 'PENDING',
  4: 'FINISHED',
  5: 'FAILED',
};

/**
 * Work unit transitions indexed by the numeric status: UNIT_NEXT[status][event] is the next
 * status or 0 when illegal. Built once at module load; read-only afterwards.
 */
const UNIT_NEXT: ReadonlyArray<Readonly<Record<WorkUnitTransition, number>>> = [1, 2, 3, 4, 5].reduce(
  (rows, status) => {
    const row = unitTable[unitStateByStatus[status]];
    const numeric = {} as Record<WorkUnitTransition, number>;
    for (const type of workUnitMachine.events as Iterable<WorkUnitTransition>) {
      const next = row[type];
      numeric[type] = next ? WorkUnitStatus[next] : 0;
    }
    rows[status] = numeric;
    return rows;
  },
  [] as Record<WorkUnitTransition, number>[],
);

/** The unit's next status under `event`, or 0 when its machine does not allow it. */
export function nextUnitStatus(status: number, event: WorkUnitTransition): number {
  return UNIT_NEXT[status]?.[event] ?? 0;
}

export function nextAttemptStatus(
  status: AttemptStatus,
  event: AttemptTransition,
): AttemptStatus | undefined {
  return attemptTable[status][event];
}

export type WorkerLifecycle = 'unknown' | 'registered' | 'gone';

export function nextWorkerState(
  state: WorkerLifecycle,
  event: WorkerTransition,
): WorkerLifecycle | undefined {
  return workerTable[state][event];
}
