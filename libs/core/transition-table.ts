import { type AnyStateMachine, transition } from 'xstate';

/**
 * A machine's transitions as a plain lookup: table[state][event] = next state, or undefined when
 * the machine does not allow the event there.
 */
export type TransitionTable<S extends string, E extends string> = Readonly<
  Record<S, Readonly<Partial<Record<E, S>>>>
>;

/**
 * Derives the table of a flat, guard-free lifecycle machine by asking xstate itself what every
 * (state, event) pair does, once at load time. Replaying millions of events through xstate's
 * `transition` costs far more than two property reads, and deriving the table keeps the machine the
 * only definition of which transitions are legal.
 */
export function deriveTransitionTable<S extends string, E extends string>(
  machine: AnyStateMachine,
): TransitionTable<S, E> {
  const table: Record<string, Record<string, string>> = {};
  const eventTypes = [...machine.events] as string[];
  for (const state of Object.keys(machine.root.states)) {
    const row: Record<string, string> = {};
    const snapshot = machine.resolveState({ value: state, context: {} });
    for (const type of eventTypes) {
      if (!snapshot.can({ type })) continue;
      const [next] = transition(machine, snapshot, { type });
      row[type] = String(next.value);
    }
    table[state] = row;
  }
  return table as TransitionTable<S, E>;
}
