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

/**
 * Waits for a job to end. The watch is opened before the status is asked, so an end that happens
 * in between is not missed.
 */
export async function awaitJob(
  nc: NatsConnection,
  names: Names,
  jobId: string,
  timeoutMs = 60_000,
): Promise<JobResult> {
  const sub = nc.subscribe(names.jobWatch(jobId), { max: 1 });
  let timer: NodeJS.Timeout | undefined;
  try {
    const watched = (async () => {
      for await (const msg of sub) return decode<JobResult>(msg.data);
      return undefined;
    })();
    const current = await jobStatus(nc, names, jobId);
    if (isTerminal(current.status)) return current;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`job ${jobId} did not end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const ended = await Promise.race([watched, timeout]);
    return ended ?? (await jobStatus(nc, names, jobId));
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
}
