import { setup } from 'xstate';

/**
 * The one definition of which job transitions are legal. Adoption (another frontend taking over
 * the job of one that died) keeps the job active; completion and cancellation are final.
 */
export const jobMachine = setup({
  types: {
    events: {} as
      | { type: 'JobSubmitted' }
      | { type: 'JobAdopted' }
      | { type: 'JobCompleted' }
      | { type: 'JobCancelled' },
  },
}).createMachine({
  id: 'job',
  initial: 'new',
  states: {
    new: { on: { JobSubmitted: 'active' } },
    active: { on: { JobAdopted: 'active', JobCompleted: 'completed', JobCancelled: 'cancelled' } },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type JobStatus = 'new' | 'active' | 'completed' | 'cancelled';
export type JobLifecycleEvent = 'JobSubmitted' | 'JobAdopted' | 'JobCompleted' | 'JobCancelled';
