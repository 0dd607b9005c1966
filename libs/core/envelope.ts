/**
 * Every event travels in an envelope. `type` names it in the past tense (WorkUnitAdded), `v` is its
 * schema version, `time` when it was decided (ms), `id` its own id, `corr` the request that started
 * the chain and `cause` the id of the message or event that directly caused it.
 */
export interface EventEnvelope<T extends string = string, D = unknown> {
  type: T;
  v: number;
  time: number;
  id: string;
  corr?: string;
  cause?: string;
  data: D;
}

/** What a decider returns: the event without its envelope fields. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  v?: number;
  data: D;
}

export interface EnvelopeContext {
  time: number;
  nextId: () => string;
  corr?: string;
  cause?: string;
}

export function envelop<T extends string, D>(
  event: NewEvent<T, D>,
  ctx: EnvelopeContext,
): EventEnvelope<T, D> {
  const out: EventEnvelope<T, D> = {
    type: event.type,
    v: event.v ?? 1,
    time: ctx.time,
    id: ctx.nextId(),
    data: event.data,
  };
  if (ctx.corr !== undefined) out.corr = ctx.corr;
  if (ctx.cause !== undefined) out.cause = ctx.cause;
  return out;
}

/** One JetStream message = one commit = every event of one command (or a group of commands). */
export interface Commit {
  events: EventEnvelope[];
}
