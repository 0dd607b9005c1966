import { decode, type Logger } from '@passerine/core';
import { resources } from '@passerine/scheduling';
import type { ReserveMessage } from './protocol.ts';

/** Largest count one reservation message may carry. */
const MAX_COUNT = 100_000;

/** Checks a reservation from the wire; a malformed one is logged and dropped, never thrown. */
export function parseReserve(data: Uint8Array, logger: Logger): ReserveMessage | undefined {
  let value: Partial<ReserveMessage>;
  try {
    value = decode<Partial<ReserveMessage>>(data);
  } catch (err) {
    logger.warn({ err }, 'undecodable reservation dropped');
    return undefined;
  }
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
  return {
    jobId: value.jobId as string,
    frontendId: value.frontendId as string,
    user: value.user as string,
    priority: value.priority as number,
    count: value.count as number,
    resources: resources(value.resources ?? {}),
  };
}
