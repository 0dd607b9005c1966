import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { jobMachine } from './job-machine.ts';
import { jobTransitions, taskTransitions } from './job-state.ts';
import { taskMachine } from './task-machine.ts';

describe('transition tables derived from the machines', () => {
  it('agree with xstate for every state and event', () => {
    for (const [machine, table] of [
      [taskMachine, taskTransitions],
      [jobMachine, jobTransitions],
    ] as const) {
      const [initial] = initialTransition(machine);
      expect(Object.keys(table)).toContain(initial.value);
      for (const state of Object.keys(table)) {
        const snapshot = machine.resolveState({ value: state, context: {} });
        for (const type of machine.events) {
          const expected = snapshot.can({ type } as never)
            ? transition(machine, snapshot, { type } as never)[0].value
            : undefined;
          expect((table as Record<string, Record<string, string>>)[state][type]).toBe(expected);
        }
      }
    }
  });

  it('make final states dead ends', () => {
    expect(taskTransitions.finished).toEqual({});
    expect(jobTransitions.completed).toEqual({});
    expect(taskTransitions.running.TaskRetried).toBe('pending');
  });
});
