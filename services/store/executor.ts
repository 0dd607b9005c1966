import { envelop, type EventEnvelope, type IdSource, type NewEvent } from '@passerine/core';
import { type Operation, validateRequest } from '@passerine/workqueue-api';
import * as wq from '@passerine/workqueue';
import { handlers } from './operations.ts';

export interface Decided {
  events: EventEnvelope[];
  reply: unknown;
}

/**
 * Runs one request against a namespace state: validate, then either read (query) or decide,
 * apply and read the reply (command). Synchronous, so no other request interleaves between a
 * decision and its application. The caller appends `events` before sending `reply`.
 */
export function runOperation(
  state: wq.NamespaceState,
  op: Operation,
  request: unknown,
  now: number,
  ids: IdSource,
  random: () => number,
): Decided {
  const handler = handlers[op];
  const req = validateRequest(op, request);
  if (handler.kind === 'query')
    return {
      events: [],
      reply: (handler.run as (s: unknown, r: unknown, n: number) => unknown)(state, req, now),
    };
  const command = (handler.command as (s: unknown, r: unknown) => wq.WorkQueueCommand)(state, req);
  const { decided, events } = decideAndApply(state, command, now, ids, random);
  const reply = handler.reply
    ? (handler.reply as (s: unknown, e: readonly NewEvent[], r: unknown) => unknown)(state, decided, req)
    : true;
  return { events, reply };
}

/** Decides a domain command, applies its events to the state, and reads the reply. */
export function runCommand(
  state: wq.NamespaceState,
  command: wq.WorkQueueCommand,
  now: number,
  ids: IdSource,
  random: () => number,
  readReply: (events: readonly NewEvent[]) => unknown = () => true,
): Decided {
  const { decided, events } = decideAndApply(state, command, now, ids, random);
  return { events, reply: readReply(decided) };
}

// Plain loops and one bound `next` per request: this runs for every command, and each closure
// created here cost a name definition under the TypeScript loader.
function decideAndApply(
  state: wq.NamespaceState,
  command: wq.WorkQueueCommand,
  now: number,
  ids: IdSource,
  random: () => number,
): { decided: NewEvent[]; events: EventEnvelope[] } {
  const nextId = ids.next.bind(ids);
  const decided = wq.decide(command, state, { now, nextId, random }) as NewEvent[];
  const meta = { time: now, nextId };
  const events: EventEnvelope[] = new Array(decided.length);
  for (let i = 0; i < decided.length; i++) events[i] = envelop(decided[i], meta);
  // The work queue's evolve changes the namespace in place (and returns it): the caller's state is this one.
  for (const e of events) wq.evolve(state, e);
  return { decided, events };
}

export function isOperation(op: string): op is Operation {
  return Object.hasOwn(handlers, op);
}
