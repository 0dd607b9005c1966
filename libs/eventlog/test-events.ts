import type { EventEnvelope } from '@passerine/core';

/** Builds envelopes for tests: ev('Added', {n: 1}). */
export function ev(type: string, data: unknown, v = 1): EventEnvelope {
  return { type, v, time: 0, id: `${type}-${Math.random().toString(36).slice(2)}`, data };
}
