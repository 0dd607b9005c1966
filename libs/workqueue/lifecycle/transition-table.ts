import { type AnyStateMachine, transition } from 'xstate';

/**
 * A machine's transitions as a plain lookup: table[state][event] = next state, or undefined when
 * the machine does not allow the event there. Derived by walking the machine once with xstate's
 * pure `transition`, so the machine stays the only definition and the hot path costs two
 * property reads.
 */
export type TransitionTable<S extends string, E extends string> = Readonly<
  Record<S, Readonly<Partial<Record<E, S>>>>
>;

export function deriveTransitionTable<S extends string, E extends string>(
  machine: AnyStateMachine,
): TransitionTable<S, E> {
  const table: Record<string, Record<string, string>> = {};
  const eventTypes = [...machine.events] as string[];
  for (const state of Object.keys(machine.states)) {
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
