import { type Logger, PasserineError } from '@passerine/core';
import type { EventLog } from '@passerine/eventlog';
import { digestOfJob, isTerminal, jobResult, type JobSpec, parseJob } from '@passerine/scheduling';
import type { SubmitReply } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import { checkIdempotencyKey } from '@passerine/workqueue';
import { readJob } from './job-history.ts';
import type { JobKeys } from './job-keys.ts';
import type { Scheduler } from './scheduler.ts';

export interface IdempotentSubmitsDeps {
  keys: JobKeys;
  scheduler: Scheduler;
  log: EventLog;
  names: Names;
  logger: Logger;
  now: () => number;
}

function keyOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  return checkIdempotencyKey((input as { idempotencyKey?: unknown }).idempotencyKey);
}

/**
 * Job submits with an idempotency key: the first under a key is scheduled as any other; a repeat
 * with the same content within the key's window gets the first job's id instead of a second job;
 * other content under the key is refused, naming the first submit. Submits without a key go
 * straight to the scheduler.
 */
export class IdempotentSubmits {
  constructor(private readonly deps: IdempotentSubmitsDeps) {}

  async submit(input: unknown): Promise<SubmitReply> {
    const { scheduler, keys } = this.deps;
    const key = keyOf(input);
    if (key === undefined) return scheduler.submit(input);
    const job: JobSpec = { ...parseJob(input, this.deps.now()), idempotencyKey: key };
    // The not-before as asked: parsing drops one already past, and a retry after it is the same submit.
    const asked = (input as { notBefore?: unknown }).notBefore;
    const content = { ...job, notBefore: typeof asked === 'number' ? asked : undefined };
    const claim = await keys.claim(job, key, digestOfJob(content));
    if (claim.kind === 'repeat') return this.repeat(job, claim.jobId);
    try {
      return await scheduler.submitJob(() => job);
    } catch (err) {
      // Refused (or not recorded): the key is free again, so a corrected submit may use it.
      await keys
        .release(job, key, claim.revision)
        .catch((error) => this.deps.logger.warn({ err: error, key }, 'idempotency key not released'));
      throw err;
    }
  }

  /**
   * The answer to a repeat: the first job as it stands. When the log has no such job, the first
   * submit's frontend stopped between claiming the key and recording the job (or is recording it
   * now): this one records it under the first id, fenced, so whichever lands first is the job.
   */
  private async repeat(job: JobSpec, firstJobId: string): Promise<SubmitReply> {
    const { scheduler, log, names, logger } = this.deps;
    const recorded = await this.firstAsRecorded(firstJobId);
    if (recorded) return recorded;
    try {
      const reply = await scheduler.submitJob(() => ({ ...job, id: firstJobId }));
      return { ...reply, repeated: true };
    } catch (err) {
      if (!(err instanceof PasserineError) || err.code !== 'illegal_state') throw err;
      logger.debug({ jobId: firstJobId }, 'first submit recorded meanwhile');
      const after = await readJob(log, names, firstJobId, logger);
      if (!after) throw err;
      return { jobId: firstJobId, status: 'accepted', repeated: true };
    }
  }

  private async firstAsRecorded(jobId: string): Promise<SubmitReply | undefined> {
    const { scheduler, log, names, logger } = this.deps;
    const owned = scheduler.owned(jobId);
    const state = owned?.state ?? (await readJob(log, names, jobId, logger))?.state;
    if (!state) return undefined;
    if (state.status === 'completed' && state.tasks.size === 0)
      return { jobId, status: 'completed', result: jobResult(jobId, state), repeated: true };
    return {
      jobId,
      status: state.status === 'waiting' ? 'waiting' : 'accepted',
      repeated: true,
      ...(isTerminal(state.status) && { result: jobResult(jobId, state, owned?.timings) }),
    };
  }
}
