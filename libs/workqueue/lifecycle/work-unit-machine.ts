import { setup } from 'xstate';

/**
 * The one definition of a work unit's legal transitions. Projections never run it as an actor;
 * `deriveTransitionTable` (libs/core) walks it once into a lookup table for the hot path.
 * States are named after Coordinate's statuses (BLOCKED is never entered).
 *
 * FORCE_FINISH and FORCE_FAIL are update_work_unit on a unit nobody holds. Finish wins, as in the
 * original: failing a finished unit leaves it FINISHED, finishing a failed one finishes it. An
 * ended unit told to end as it already has stays where it is: a transition to its own state
 * changes nothing about it (deciders record only the data such a call brings), so a second
 * finish — the original worker finishes every unit twice — chains nothing again.
 */
export const workUnitMachine = setup({
  types: {
    events: {} as
      | { type: 'START' }
      | { type: 'RENEW' }
      | { type: 'FINISH' }
      | { type: 'FAIL' }
      | { type: 'RELEASE' }
      | { type: 'RESET' }
      | { type: 'FORCE_FINISH' }
      | { type: 'FORCE_FAIL' },
  },
}).createMachine({
  id: 'workUnit',
  initial: 'AVAILABLE',
  states: {
    AVAILABLE: {
      on: { START: 'PENDING', RESET: 'AVAILABLE', FORCE_FINISH: 'FINISHED', FORCE_FAIL: 'FAILED' },
    },
    PENDING: {
      // RELEASE: lease expired, worker gone or retried; FAIL also covers "tried too often".
      on: { RENEW: 'PENDING', FINISH: 'FINISHED', FAIL: 'FAILED', RELEASE: 'AVAILABLE', RESET: 'AVAILABLE' },
    },
    FINISHED: { on: { RESET: 'AVAILABLE', FORCE_FAIL: 'FINISHED', FORCE_FINISH: 'FINISHED' } },
    FAILED: { on: { RESET: 'AVAILABLE', FORCE_FINISH: 'FINISHED', FORCE_FAIL: 'FAILED' } },
    BLOCKED: { on: { RESET: 'AVAILABLE' } },
  },
});

export type WorkUnitTransition =
  | 'START'
  | 'RENEW'
  | 'FINISH'
  | 'FAIL'
  | 'RELEASE'
  | 'RESET'
  | 'FORCE_FINISH'
  | 'FORCE_FAIL';
