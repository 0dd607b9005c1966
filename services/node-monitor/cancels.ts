import type { Msg } from '@nats-io/transport-node';
import { type Logger, ValidationError } from '@passerine/core';
import { errReply, okReply, sendReply } from '@passerine/natsconn';
import { type CancelMessage, decodeOrDrop, validAttemptIds } from '@passerine/scheduling-protocol';
import type { RunningTasks } from './running-tasks.ts';

/** What a cancel acts on at a node: its queued reservations and its running tasks. */
export interface CancelTargets {
  queue: { cancel(jobId: string): void };
  running: RunningTasks;
  logger: Logger;
}

/**
 * A frontend's cancel: of one attempt (a launch answered too late), of a job's leftover
 * reservations, with `kill` of its running tasks too, or an adopter's stop of the runs its log does
 * not know of. Stops asked as requests are answered once the runs have ended.
 */
export function handleCancel(msg: Msg, { queue, running, logger }: CancelTargets): void {
  const message = decodeOrDrop<CancelMessage>(msg.data, logger, 'cancel');
  if (typeof message?.jobId !== 'string') return;
  if (message.keepAttempts !== undefined) {
    void stopUnrecorded(msg, message.jobId, message.keepAttempts, running, logger);
    return;
  }
  if (typeof message.attemptId === 'string') {
    running.stopAttempt(message.jobId, message.attemptId);
    return;
  }
  queue.cancel(message.jobId);
  if (!message.kill) return;
  const stopping = running.stopJob(message.jobId);
  if (msg.reply) void stopping.then((stopped) => sendReply(msg, okReply({ stopped }), logger));
}

/** An adopter's request: the job's runs it does not know of stop; answered once they have ended. */
async function stopUnrecorded(
  msg: Msg,
  jobId: string,
  keep: unknown,
  running: RunningTasks,
  logger: Logger,
): Promise<void> {
  const keepAttempts = validAttemptIds(keep, Number.POSITIVE_INFINITY);
  if (!keepAttempts) {
    logger.warn({ jobId }, 'malformed request to stop unrecorded runs dropped');
    sendReply(msg, errReply(new ValidationError('keepAttempts must be a list of attempt ids')), logger);
    return;
  }
  const stopped = await running.stopJobExcept(jobId, new Set(keepAttempts));
  sendReply(msg, okReply({ stopped }), logger);
}
