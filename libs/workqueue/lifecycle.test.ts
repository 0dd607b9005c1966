import { deriveTransitionTable } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { attemptMachine } from './lifecycle/attempt-machine.ts';
import { nextAttemptStatus, nextUnitStatus, nextWorkerState } from './lifecycle/tables.ts';
import { WorkUnitStatus } from './status.ts';

describe('lifecycle tables derived from the machines', () => {
  it('the unit table allows exactly what the machine allows', () => {
    expect(nextUnitStatus(WorkUnitStatus.AVAILABLE, 'START')).toBe(WorkUnitStatus.PENDING);
    expect(nextUnitStatus(WorkUnitStatus.AVAILABLE, 'FINISH')).toBe(0);
    expect(nextUnitStatus(WorkUnitStatus.PENDING, 'RELEASE')).toBe(WorkUnitStatus.AVAILABLE);
    expect(nextUnitStatus(WorkUnitStatus.FINISHED, 'START')).toBe(0);
    expect(nextUnitStatus(WorkUnitStatus.FAILED, 'RESET')).toBe(WorkUnitStatus.AVAILABLE);
  });

  it('finish wins: a finished unit stays finished when failed, a failed one finishes', () => {
    expect(nextUnitStatus(WorkUnitStatus.FINISHED, 'FORCE_FAIL')).toBe(WorkUnitStatus.FINISHED);
    expect(nextUnitStatus(WorkUnitStatus.FINISHED, 'FORCE_FINISH')).toBe(WorkUnitStatus.FINISHED);
    expect(nextUnitStatus(WorkUnitStatus.FAILED, 'FORCE_FINISH')).toBe(WorkUnitStatus.FINISHED);
    expect(nextUnitStatus(WorkUnitStatus.AVAILABLE, 'FORCE_FAIL')).toBe(WorkUnitStatus.FAILED);
  });

  it('attempts end once; workers come back with a heartbeat', () => {
    expect(deriveTransitionTable(attemptMachine)).toMatchObject({
      finished: {},
      pending: { FINISH: 'finished' },
    });
    expect(nextAttemptStatus('expired', 'FINISH')).toBeUndefined();
    expect(nextAttemptStatus('pending', 'EXPIRE')).toBe('expired');
    expect(nextWorkerState('gone', 'HEARTBEAT')).toBe('registered');
    expect(nextWorkerState('unknown', 'EXPIRE')).toBeUndefined();
  });
});
