import { setup } from 'xstate';

/**
 * The one definition of which job transitions are legal. A job submitted with a not-before time
 * waits until then (JobSubmittedForLater, then JobReleased). Adoption (another frontend taking over
 * the job of one that died) keeps the job where it was; completion and cancellation are final.
 */
export const jobMachine = setup({
  types: {
    events: {} as
      | { type: 'JobSubmitted' }
      | { type: 'JobSubmittedForLater' }
      | { type: 'JobReleased' }
      | { type: 'JobAdopted' }
      | { type: 'JobCompleted' }
      | { type: 'JobCancelled' },
  },
}).createMachine({
  id: 'job',
  initial: 'new',
  states: {
    new: { on: { JobSubmitted: 'active', JobSubmittedForLater: 'waiting' } },
    waiting: {
      on: {
        JobReleased: 'active',
        JobAdopted: 'waiting',
        JobCompleted: 'completed',
        JobCancelled: 'cancelled',
      },
    },
    active: { on: { JobAdopted: 'active', JobCompleted: 'completed', JobCancelled: 'cancelled' } },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type JobStatus = 'new' | 'waiting' | 'active' | 'completed' | 'cancelled';
export type JobLifecycleEvent =
  | 'JobSubmitted'
  | 'JobSubmittedForLater'
  | 'JobReleased'
  | 'JobAdopted'
  | 'JobCompleted'
  | 'JobCancelled';
