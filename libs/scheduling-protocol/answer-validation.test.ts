import { describe, expect, it } from 'vitest';
import { validLoad, validOfferAnswer } from './answer-validation.ts';
import type { LoadReply, OfferAnswer } from './messages.ts';
import { MAX_OFFERS } from './reserve-message.ts';

const load = (running: number, queueLength: number): LoadReply => ({ running, queueLength, slots: 4 });

describe('what a frontend takes from a node monitor', () => {
  it('takes only a well-formed load from the wire', () => {
    expect(validLoad({ running: 1, queueLength: 0, slots: 4 })).toEqual(load(1, 0));
    expect(validLoad({ running: -1, queueLength: 0, slots: 4 })).toBeUndefined();
    expect(validLoad({ running: Number.NaN, queueLength: 0, slots: 4 })).toBeUndefined();
    expect(validLoad({ running: 1, queueLength: 0 })).toBeUndefined();
    expect(validLoad('busy')).toBeUndefined();
    expect(validLoad(undefined)).toBeUndefined();
  });

  it('takes an offer answer only when every launch and decline in it is well formed', () => {
    const answer: OfferAnswer = {
      jobId: 'j',
      nodeId: 'n',
      launched: [{ taskId: 't1', attemptId: 'a1' }],
      declined: ['t2'],
      refused: 1,
      load: load(1, 0),
    };
    expect(validOfferAnswer(answer)).toBe(answer);
    expect(validOfferAnswer({ ...answer, refused: -1 })).toBeUndefined();
    expect(validOfferAnswer({ ...answer, launched: [{ taskId: 't1' }] })).toBeUndefined();
    expect(validOfferAnswer({ ...answer, declined: [7] })).toBeUndefined();
    expect(validOfferAnswer({ ...answer, declined: Array(MAX_OFFERS + 1).fill('t') })).toBeUndefined();
    expect(validOfferAnswer(null)).toBeUndefined();
  });
});
