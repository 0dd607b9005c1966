import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { type Logger, ValidationError } from '@passerine/core';
import type { WorkQueueApi } from '../coordinate/index.ts';
import { optionalCborOf } from './proto-values.ts';
import { type SubscriberRegistry, streamTasks } from './task-stream.ts';
import { unary } from './unary.ts';
import { getWorkReply, heartbeat } from './workqueue-service.ts';

/** Outcome enum numbers in worker.proto. */
const Outcome = { RENEW: 1, FINISH: 2, FAIL: 3, RETRY: 4 } as const;

// biome-ignore lint/suspicious/noExplicitAny: message shapes come from the .proto files at run time.
type Req = any;

/** The Worker service: pull, report by attempt id, heartbeat, or subscribe to a task stream. */
export function workerService(
  api: WorkQueueApi,
  registry: SubscriberRegistry,
  logger: Logger,
): UntypedServiceImplementation {
  return {
    GetWork: unary(logger, (r) => getWorkReply(api, r)),
    Heartbeat: unary(logger, (r) => heartbeat(api, r)),
    UpdateWork: unary(logger, async (r: Req) => {
      const attemptId: string = r.attempt_id ?? '';
      const data = optionalCborOf(r.data_cbor, 'data_cbor');
      switch (r.outcome) {
        case Outcome.RENEW:
          await api.call('renewAttempt', { attemptId, leaseSeconds: r.lease_seconds ?? null, data });
          return { ok: true };
        case Outcome.FINISH:
          await api.call('finishAttempt', { attemptId, data });
          break;
        case Outcome.FAIL:
          await api.call('failAttempt', { attemptId, data });
          break;
        case Outcome.RETRY:
          await api.call('retryAttempt', { attemptId, data, delaySeconds: r.delay_seconds ?? null });
          break;
        default:
          throw new ValidationError('outcome must be RENEW, FINISH, FAIL or RETRY', { field: 'outcome' });
      }
      registry.ended(attemptId);
      return { ok: true };
    }),
    Subscribe: (call: ServerWritableStream<Req, Req>) => {
      void streamTasks(call, api, registry, logger);
    },
  };
}
