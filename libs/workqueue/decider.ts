import type { Decider } from '@passerine/core';
import type { DecideContext, WorkQueueCommand } from './commands.ts';
import { decide } from './decide/decide.ts';
import type { WorkQueueEvent } from './events.ts';
import { evolve } from './evolve/evolve.ts';
import { createNamespaceState, type NamespaceState } from './state.ts';

/** One namespace of the work queue as a Decider; its evolve changes the namespace in place. */
export const workQueueDecider: Decider<WorkQueueCommand, NamespaceState, WorkQueueEvent, DecideContext> = {
  decide,
  evolve,
  initialState: createNamespaceState,
};
