import type { NatsConnection } from '@nats-io/transport-node';
import { type Logger, NotFoundError, ValidationError } from '@passerine/core';
import type { EventLog } from '@passerine/eventlog';
import { requestRpc } from '@passerine/natsconn';
import { isTerminal, type JobResult, jobResult } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import { readJob } from './job-history.ts';
import type { Scheduler } from './scheduler.ts';

function jobIdOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('jobId must be a non-empty string', { field: 'jobId', value });
  }
  return value;
}

/**
 * Status and cancel for any job, answered by whichever frontend the queue group picks: the owner
 * answers from memory, any other from the log, forwarding a cancel to the owner.
 */
export class JobControl {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly log: EventLog,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
  ) {}

  async status(jobIdInput: unknown): Promise<JobResult> {
    const jobId = jobIdOf(jobIdInput);
    const owned = this.scheduler.owned(jobId);
    if (owned) return jobResult(jobId, owned.state, owned.timings);
    const history = await readJob(this.log, this.names, jobId, this.logger);
    if (!history) throw new NotFoundError(`job ${jobId} was never submitted`, { jobId });
    return jobResult(jobId, history.state);
  }

  async cancel(request: { jobId?: unknown; reason?: unknown }): Promise<JobResult> {
    const jobId = jobIdOf(request?.jobId);
    const reason = typeof request.reason === 'string' ? request.reason : 'cancelled';
    if (this.scheduler.owned(jobId)) return this.scheduler.cancel(jobId, reason);
    const history = await readJob(this.log, this.names, jobId, this.logger);
    if (!history) throw new NotFoundError(`job ${jobId} was never submitted`, { jobId });
    if (isTerminal(history.state.status)) return jobResult(jobId, history.state);
    return requestRpc<JobResult>(this.nc, this.names.frontend(history.state.frontendId!, 'cancel'), {
      jobId,
      reason,
    });
  }
}
