import {
  type Metadata,
  type ServerInterceptingCallInterface,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import type { Logger } from '@passerine/core';
import { checkBearer, type EdgeToken, type TokenNeed } from '@passerine/security';

/**
 * What each gRPC service asks of a token: the work-queue services are a namespace's (this
 * gateway's), so a worker token of that namespace will do; the scheduler submits and cancels jobs
 * on any node, which only an admin may.
 */
function needOf(path: string, namespace: string): TokenNeed {
  if (/^\/passerine\.scheduler\./.test(path)) return { roles: ['admin'] };
  return { roles: ['worker'], namespace };
}

/**
 * Refuses a call without a good bearer token before its handler runs (so it has no effect at all),
 * with UNAUTHENTICATED or PERMISSION_DENIED and a sentence, and logs the refusal.
 */
export function bearerInterceptor(
  tokens: readonly EdgeToken[],
  namespace: string,
  logger: Logger,
): ServerInterceptor {
  return (method, call: ServerInterceptingCallInterface) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata: Metadata, mdNext) {
            const header = metadata.get('authorization')[0];
            const check = checkBearer(
              typeof header === 'string' ? header : undefined,
              tokens,
              needOf(method.path, namespace),
            );
            if (check.ok) {
              mdNext(metadata);
              return;
            }
            logger.warn({ method: method.path, status: check.status }, `gRPC call refused: ${check.message}`);
            call.sendStatus({
              code: check.status === 401 ? status.UNAUTHENTICATED : status.PERMISSION_DENIED,
              details: check.message,
            });
          },
        });
      },
    });
}
