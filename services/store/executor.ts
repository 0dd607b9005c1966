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
  if (handler.kind === 'query') return { events: [], reply: (handler.run as (s: unknown, r: unknown, n: number) => unknown)(state, req, now) };
  const command = (handler.command as (s: unknown, r: unknown) => wq.WorkQueueCommand)(state, req);
  return runCommand(state, command, now, ids, random, (events) =>
    handler.reply ? (handler.reply as (s: unknown, e: readonly NewEvent[], r: unknown) => unknown)(state, events, req) : true,
  );
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
  const decided = wq.decide(state, command, { now, nextId: () => ids.next(), random });
  const events = decided.map((e) => envelop(e as NewEvent, { time: now, nextId: () => ids.next() }));
  for (const e of events) wq.evolve(state, e);
  return { events, reply: readReply(decided) };
}

export function isOperation(op: string): op is Operation {
  return Object.hasOwn(handlers, op);
}
