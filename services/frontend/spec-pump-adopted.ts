import type { WorkQueueClient } from '@passerine/client';
import type { Logger } from '@passerine/core';
import type { Scheduler } from './scheduler.ts';
import { attemptGone, giveBack } from './spec-pump-store.ts';

/**
 * A job of pumped units adopted from a frontend that died. Its pump, which would have told the
 * store how each unit ended and what it printed, died with it, so the job is stopped (its running
 * tasks killed) and its units handed back at once: they run again from the queue now, rather than
 * twice at the same time once their leases run out. A unit the dead pump already reported is not
 * handed back (the store refuses it), so nothing is run again that was recorded.
 */
export async function releaseAdoptedJob(
  scheduler: Pick<Scheduler, 'cancel'>,
  client: WorkQueueClient,
  jobId: string,
  attempts: readonly string[],
  logger: Logger,
): Promise<void> {
  await scheduler
    .cancel(jobId, 'its frontend died; its work units went back to the queue')
    .catch((err) => logger.warn({ err, jobId }, 'adopted job of work units not cancelled'));
  await Promise.all(
    attempts.map((attemptId) =>
      giveBack(client, { attempt_id: attemptId }).catch((err) => {
        if (!attemptGone(err)) logger.warn({ err, attemptId }, 'unit not handed back; its lease will');
      }),
    ),
  );
}
