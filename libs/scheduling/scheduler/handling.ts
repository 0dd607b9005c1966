import type { SchedulerEvent } from './scheduler-events.ts';
import { evolve } from './scheduler-evolve.ts';
import type { SchedulerContext, SchedulerState } from './scheduler-state.ts';

/**
 * One command being handled by a frontend's scheduler (a getTask, a report, a submission...). A
 * command is decided a step at a time, and each step's events are evolved into the state before
 * the next step is decided, because later steps read what earlier ones changed: a task offered at
 * one node is not offered at the next, reservations sent to a node make it look busier to the next
 * placement, a job whose last task went out is not lent another slot. The deciders only read; the
 * state changes in `evolve`, called from here and nowhere else. What a command decided is `events`,
 * in order, for the service to act on.
 */
export class Handling {
  private decided: SchedulerEvent[] = [];

  constructor(
    readonly state: SchedulerState,
    readonly context: SchedulerContext,
  ) {}

  apply(event: SchedulerEvent): void {
    evolve(this.state, event);
    this.decided.push(event);
  }

  applyAll(events: readonly SchedulerEvent[]): void {
    for (const event of events) this.apply(event);
  }

  /** The events of the command handled since the last call, for the service to act on. */
  take(): SchedulerEvent[] {
    const events = this.decided;
    this.decided = [];
    return events;
  }
}
