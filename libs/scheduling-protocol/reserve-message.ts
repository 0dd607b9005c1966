import type { Logger } from '@passerine/core';
import { resources } from '@passerine/scheduling';
import type { LaunchSpec, ReserveMessage } from './messages.ts';
import { decodeOrDrop } from './wire-message.ts';

/** Largest count one reservation message may carry. */
const MAX_COUNT = 100_000;
/** Most launch offers one reservation message may carry (a node has no more slots than this). */
export const MAX_OFFERS = 1_024;

/** Checks a reservation from the wire; a malformed one is logged and dropped, never thrown. */
export function parseReserve(data: Uint8Array, logger: Logger): ReserveMessage | undefined {
  const value = decodeOrDrop<ReserveMessage>(data, logger, 'reservation');
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    typeof value.jobId === 'string' &&
    typeof value.frontendId === 'string' &&
    typeof value.user === 'string' &&
    typeof value.priority === 'number' &&
    Number.isInteger(value.count) &&
    (value.count as number) > 0 &&
    (value.count as number) <= MAX_COUNT;
  if (!ok) {
    logger.warn({ reservation: value }, 'malformed reservation dropped');
    return undefined;
  }
  const reservation: ReserveMessage = {
    jobId: value.jobId as string,
    frontendId: value.frontendId as string,
    user: value.user as string,
    priority: value.priority as number,
    count: value.count as number,
    resources: resources(value.resources ?? {}),
  };
  const offers = parseOffers(value.offers, reservation, logger);
  return offers.length > 0 ? { ...reservation, offers } : reservation;
}

/**
 * The launch offers a reservation carries. They come from a frontend, so a malformed one is a bug
 * or a version mismatch: the message is then taken as a plain reservation and the offers dropped.
 */
function parseOffers(offers: unknown, reservation: ReserveMessage, logger: Logger): LaunchSpec[] {
  if (offers === undefined) return [];
  const ok =
    Array.isArray(offers) &&
    offers.length <= Math.min(reservation.count, MAX_OFFERS) &&
    offers.every((offer) => isOffer(offer, reservation));
  if (ok)
    return (offers as LaunchSpec[]).map((offer) => ({ ...offer, resources: resources(offer.resources) }));
  logger.warn({ jobId: reservation.jobId }, 'malformed launch offers dropped');
  return [];
}

function isOffer(value: unknown, reservation: ReserveMessage): boolean {
  const offer = value as Partial<LaunchSpec> | null;
  return (
    typeof offer === 'object' &&
    offer !== null &&
    offer.jobId === reservation.jobId &&
    typeof offer.taskId === 'string' &&
    typeof offer.attemptId === 'string' &&
    typeof offer.user === 'string' &&
    (offer.payload === undefined || offer.payload instanceof Uint8Array) &&
    (offer.command === undefined || (typeof offer.command === 'object' && offer.command !== null)) &&
    (offer.reply === undefined || typeof offer.reply?.subject === 'string')
  );
}
