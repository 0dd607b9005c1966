import { setup } from 'xstate';

/**
 * A worker is registered by its first heartbeat, stays registered while it heartbeats, and is
 * gone once it unregisters or its heartbeat expires (a later heartbeat registers it again).
 */
export const workerMachine = setup({
  types: {
    events: {} as { type: 'HEARTBEAT' } | { type: 'UNREGISTER' } | { type: 'EXPIRE' },
  },
}).createMachine({
  id: 'worker',
  initial: 'unknown',
  states: {
    unknown: { on: { HEARTBEAT: 'registered' } },
    registered: { on: { HEARTBEAT: 'registered', UNREGISTER: 'gone', EXPIRE: 'gone' } },
    gone: { on: { HEARTBEAT: 'registered' } },
  },
});

export type WorkerTransition = 'HEARTBEAT' | 'UNREGISTER' | 'EXPIRE';
