import type { LoadReply, OfferAnswer } from './messages.ts';
import { MAX_OFFERS } from './reserve-message.ts';

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** A load as a node monitor sent it, or undefined when it is missing or malformed. */
export function validLoad(load: unknown): LoadReply | undefined {
  const { running, queueLength, slots } = (load ?? {}) as Partial<LoadReply>;
  return isCount(running) && isCount(queueLength) && isCount(slots)
    ? { running, queueLength, slots }
    : undefined;
}

/** An offer answer from the wire, or undefined when it is malformed. */
export function validOfferAnswer(value: unknown): OfferAnswer | undefined {
  const answer = value as Partial<OfferAnswer> | null;
  const ok =
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.jobId === 'string' &&
    typeof answer.nodeId === 'string' &&
    Array.isArray(answer.launched) &&
    answer.launched.length <= MAX_OFFERS &&
    answer.launched.every((l) => typeof l?.taskId === 'string' && typeof l?.attemptId === 'string') &&
    Array.isArray(answer.declined) &&
    answer.declined.length <= MAX_OFFERS &&
    answer.declined.every((taskId) => typeof taskId === 'string') &&
    (answer.refused === undefined || (Number.isInteger(answer.refused) && answer.refused >= 0));
  return ok ? (answer as OfferAnswer) : undefined;
}
