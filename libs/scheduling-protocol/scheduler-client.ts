import type { NatsConnection } from '@nats-io/transport-node';
import { decode, TimeoutError } from '@passerine/core';
import { requestRpc } from '@passerine/natsconn';
import { isTerminal, type JobInput, type JobResult } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import type { SubmitReply } from './messages.ts';

/**
 * A client of the frontends' job API, for whoever submits work (the gateway, the CLI, tests and
 * benchmarks): any frontend of the queue group answers, and a job's end is announced on its watch
 * subject.
 */

/** Submits a job; resolves once it is durable (or, without tasks, already complete). */
export function submitJob(
  nc: NatsConnection,
  names: Names,
  job: JobInput,
  timeoutMs?: number,
): Promise<SubmitReply> {
  return requestRpc<SubmitReply>(nc, names.submitJob, job, timeoutMs);
}

export function jobStatus(nc: NatsConnection, names: Names, jobId: string): Promise<JobResult> {
  return requestRpc<JobResult>(nc, names.jobRpc('status'), { jobId });
}

export function cancelJob(
  nc: NatsConnection,
  names: Names,
  jobId: string,
  reason?: string,
): Promise<JobResult> {
  return requestRpc<JobResult>(nc, names.jobRpc('cancel'), { jobId, reason });
}

/** A job followed until it ends (see followJob). */
export interface FollowedJob {
  /** Its state now. */
  current: Promise<JobResult>;
  /** Its state once it has ended: `current` when that is final. */
  ended: Promise<JobResult>;
  /** Stops watching; `ended` then settles with the state as asked again. */
  stop(): void;
}

/**
 * Follows a job to its end. The watch is opened before the status is asked, so an end that happens
 * in between is not missed.
 */
export function followJob(nc: NatsConnection, names: Names, jobId: string): FollowedJob {
  const sub = nc.subscribe(names.jobWatch(jobId), { max: 1 });
  const watched = (async () => {
    for await (const msg of sub) return decode<JobResult>(msg.data);
    return undefined;
  })();
  const current = jobStatus(nc, names, jobId);
  const ended = current.then(async (now) =>
    isTerminal(now.status) ? now : ((await watched) ?? (await jobStatus(nc, names, jobId))),
  );
  const stop = () => sub.unsubscribe();
  // Whoever waits for `ended` hears how it failed; nobody has to.
  ended.then(stop, stop);
  return { current, ended, stop };
}

/** Waits for a job to end: at most `timeoutMs` once its current state is known. */
export async function awaitJob(
  nc: NatsConnection,
  names: Names,
  jobId: string,
  timeoutMs = 60_000,
): Promise<JobResult> {
  const job = followJob(nc, names, jobId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const current = await job.current;
    if (isTerminal(current.status)) return current;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`job ${jobId} did not end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return await Promise.race([job.ended, timeout]);
  } finally {
    clearTimeout(timer);
    job.stop();
  }
}
