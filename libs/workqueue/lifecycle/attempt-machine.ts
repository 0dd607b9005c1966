import { setup } from 'xstate';

/** The one definition of an attempt's legal transitions: pending until it ends, once. */
export const attemptMachine = setup({
  types: {
    events: {} as
      | { type: 'RENEW' }
      | { type: 'FINISH' }
      | { type: 'FAIL' }
      | { type: 'RETRY' }
      | { type: 'EXPIRE' },
  },
}).createMachine({
  id: 'attempt',
  initial: 'pending',
  states: {
    pending: {
      on: { RENEW: 'pending', FINISH: 'finished', FAIL: 'failed', RETRY: 'retryable', EXPIRE: 'expired' },
    },
    finished: { type: 'final' },
    failed: { type: 'final' },
    retryable: { type: 'final' },
    expired: { type: 'final' },
  },
});

export type AttemptTransition = 'RENEW' | 'FINISH' | 'FAIL' | 'RETRY' | 'EXPIRE';
