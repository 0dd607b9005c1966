import { type AnyStateMachine, transition } from 'xstate';

/** state → event type → next state; a missing entry is an illegal transition. */
export type TransitionTable<S extends string, E extends string> = Record<S, Partial<Record<E, S>>>;

/**
 * Derives a lookup table from a flat, guard-free machine by asking xstate itself what every
 * (state, event) pair does. Replaying millions of events through `transition` costs far more than a
 * property lookup, and deriving the table keeps the machine the only definition of legality.
 */
export function deriveTransitionTable<S extends string, E extends string>(
  machine: AnyStateMachine,
): TransitionTable<S, E> {
  const states = Object.keys(machine.root.states) as S[];
  const events = machine.events as E[];
  const table = {} as TransitionTable<S, E>;
  for (const state of states) {
    const row: Partial<Record<E, S>> = {};
    const snapshot = machine.resolveState({ value: state, context: {} });
    for (const type of events) {
      if (!snapshot.can({ type })) continue;
      const [next] = transition(machine, snapshot, { type });
      row[type] = next.value as S;
    }
    table[state] = row;
  }
  return table;
}
