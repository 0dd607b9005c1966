import { setup } from 'xstate';

/**
 * The one definition of which task transitions are legal. A task waits (pending) until a node
 * monitor's getTask launches it; a launch is one attempt. A node that dies sends the task back to
 * pending (retried) until its retries run out; an exit status ends it for good. A task its job's
 * time to live ran out on before it ever started is expired.
 */
export const taskMachine = setup({
  types: {
    events: {} as
      | { type: 'TaskLaunched' }
      | { type: 'TaskFinished' }
      | { type: 'TaskFailed' }
      | { type: 'TaskRetried' }
      | { type: 'TaskExpired' }
      | { type: 'JobCancelled' },
  },
}).createMachine({
  id: 'task',
  initial: 'pending',
  states: {
    pending: {
      on: {
        TaskLaunched: 'running',
        TaskFailed: 'failed',
        TaskExpired: 'expired',
        JobCancelled: 'cancelled',
      },
    },
    running: {
      on: {
        TaskFinished: 'finished',
        TaskFailed: 'failed',
        TaskRetried: 'pending',
        JobCancelled: 'cancelled',
      },
    },
    finished: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
    expired: { type: 'final' },
  },
});

export type TaskStatus = 'pending' | 'running' | 'finished' | 'failed' | 'cancelled' | 'expired';
export type TaskLifecycleEvent =
  | 'TaskLaunched'
  | 'TaskFinished'
  | 'TaskFailed'
  | 'TaskRetried'
  | 'TaskExpired'
  | 'JobCancelled';
