/**
 * The one shape of Passerine's domain rules (`libs/workqueue`, `libs/scheduling`): a decider.
 *
 * - `decide(command, state, context) → events` checks the command against the state and returns
 *   the events that record what was decided. It never mutates the state; when it refuses it throws a
 *   PasserineError (validation, not found, illegal state) and nothing has happened. An empty list
 *   means there was nothing to do.
 * - `evolve(state, event) → state` applies one event and returns the state after it. It is the only
 *   way a state changes, and it needs nothing but the state and the event (whatever was chosen —
 *   ids, times, units — is in the event).
 * - `initialState()` is the state before any event.
 *
 * An evolve may update a large state in place and return the same object, for speed: a work-queue
 * namespace holds a million units, and copying it for every event would make a replay cost
 * events × state instead of events. Whoever needs a state as it was keeps it by not evolving it;
 * since decide only reads, deciding and dropping the events is always safe.
 *
 * Time, ids and randomness come in through `context`, so a decider is a pure function of its
 * inputs: replaying the same events gives the same state, on any machine.
 */
export interface Decider<Command, State, Event, Context = undefined> {
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
