import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { IdSource, Logger } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import { isTerminal, type JobInput, type JobResult } from '@passerine/scheduling';
import { cancelJob, followJob, type SubmitReply, submitJob } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import { toServiceError } from './status-codes.ts';
import { unary } from './unary.ts';

export interface SchedulerDeps {
  nc: NatsConnection;
  names: Names;
  ids: IdSource;
}

// biome-ignore lint/suspicious/noExplicitAny: message shapes come from the .proto files at run time.
type Msg = any;

const orUndefined = <T>(value: T | '' | 0 | null | undefined): T | undefined => (value ? value : undefined);

/** A JobRequest as the frontends take it; the frontend validates and names bad fields. */
function jobInput(r: Msg, ids: IdSource): JobInput {
  return {
    id: r.job_id || ids.next(),
    user: orUndefined(r.user),
    priority: r.priority ?? undefined,
    probeRatio: orUndefined(r.probe_ratio),
    maxRetries: r.max_retries ?? undefined,
    labels: r.labels ?? undefined,
    tasks: (r.tasks ?? []).map((t: Msg) => ({
      id: t.task_id ?? '',
      payload: t.payload === undefined ? undefined : new Uint8Array(t.payload),
      command: t.command && {
        command: t.command.command ?? '',
        args: t.command.args,
        env: t.command.env,
        cwd: orUndefined(t.command.cwd),
        timeoutMs: orUndefined(t.command.timeout_ms),
      },
      resources: t.resources && {
        cpus: t.resources.cpus,
        memMb: t.resources.mem_mb,
        diskMb: t.resources.disk_mb,
      },
      constraints: t.constraints && { nodes: t.constraints.nodes, labels: t.constraints.labels },
    })),
  };
}

function jobResultMessage(result: JobResult) {
  return {
    job_id: result.jobId,
    status: result.status,
    frontend_id: result.frontendId,
    finished: result.finished,
    failed: result.failed,
    reason: result.reason,
    tasks: result.tasks.map((t) => ({
      task_id: t.id,
      status: t.status,
      attempts: t.attempts,
      node_id: t.nodeId,
      exit_code: t.exitCode ?? undefined,
      error: t.error,
      started_at_ms: t.startedAt,
      ended_at_ms: t.endedAt,
    })),
  };
}

/** Sparrow's SchedulerService over the frontends' NATS API: submit, watch, cancel. */
export function schedulerService(deps: SchedulerDeps, logger: Logger): UntypedServiceImplementation {
  const { nc, names, ids } = deps;
  return {
    SubmitJob: unary(logger, async (r) => {
      const reply: SubmitReply = await submitJob(nc, names, jobInput(r, ids));
      return { job_id: reply.jobId, status: reply.status };
    }),
    CancelJob: unary(logger, async (r) =>
      jobResultMessage(await cancelJob(nc, names, r.job_id ?? '', orUndefined(r.reason))),
    ),
    WatchJob: (call: ServerWritableStream<Msg, Msg>) => {
      const job = followJob(nc, names, call.request.job_id ?? '');
      call.on('cancelled', () => job.stop());
      void (async () => {
        try {
          const now = await job.current;
          call.write(jobResultMessage(now));
          if (!isTerminal(now.status)) {
            const last = await job.ended;
            if (!call.cancelled) call.write(jobResultMessage(last));
          }
          call.end();
        } catch (err) {
          call.destroy(Object.assign(new Error((err as Error).message), toServiceError(err)));
        } finally {
          job.stop();
        }
      })();
    },
  };
}
