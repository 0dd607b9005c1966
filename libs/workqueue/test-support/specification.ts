import { type NewEvent, seededRandom } from '@passerine/core';
import { expect } from 'vitest';
import type { DecideContext, WorkQueueCommand } from '../commands.ts';
import { decide } from '../decide/decide.ts';
import { evolve } from '../evolve/evolve.ts';
import type { WorkQueueEvent } from '../events.ts';
import { createNamespaceState, type NamespaceState } from '../state.ts';

/** A deterministic DecideContext whose clock moves only when told to. */
export interface TestContext extends DecideContext {
  advance(ms: number): void;
}

export function testContext(start = 1_000_000, seed = 7): TestContext {
  let n = 0;
  const ctx: TestContext = {
    now: start,
    nextId: () => `a${++n}`,
    random: seededRandom(seed),
    advance(ms) {
      ctx.now += ms;
    },
  };
  return ctx;
}

/** Decides and applies, as the store does after a successful append; keeps a log for replays. */
export class Namespace {
  state: NamespaceState = createNamespaceState();
  readonly log: WorkQueueEvent[] = [];

  constructor(readonly ctx: TestContext = testContext()) {}

  run(command: WorkQueueCommand): WorkQueueEvent[] {
    const events = decide(command, this.state, this.ctx);
    for (const e of events) {
      this.state = evolve(this.state, e);
      this.log.push(e);
    }
    return events;
  }
}

/** given(events).when(command).then(events) / .thenThrows(ErrorClass, message). */
export function given(...events: NewEvent[]) {
  let state = createNamespaceState();
  for (const e of events) state = evolve(state, e);
  return {
    state,
    when(command: WorkQueueCommand, ctx: DecideContext = testContext()) {
      const run = () => decide(command, state, ctx);
      return {
        // biome-ignore lint/suspicious/noThenProperty: the specification style reads given/when/then.
        then(expected: NewEvent[]) {
          expect(run()).toEqual(expected);
        },
        thenThrows(errorClass: new (...args: never[]) => Error, message?: string | RegExp) {
          expect(run).toThrow(errorClass);
          if (message !== undefined) expect(run).toThrow(message);
        },
        events: run,
      };
    },
  };
}

export const bytes = (...values: number[]) => new Uint8Array(values);
/** Stand-ins for CBOR blobs: the domain never looks inside. */
export const blob = (text: string) => new TextEncoder().encode(text);
