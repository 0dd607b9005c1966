import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '@passerine/core';
import { PasserineError } from '@passerine/core';
import { toServiceError } from './status-codes.ts';

// biome-ignore lint/suspicious/noExplicitAny: request and reply shapes come from the .proto files at run time.
type Message = any;

/** Adapts an async function to a grpc-js unary handler; every failure becomes a coded status. */
export function unary(logger: Logger, run: (request: Message) => Promise<Message>) {
  return (call: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => {
    run(call.request).then(
      (reply) => callback(null, reply),
      (err) => {
        if (!(err instanceof PasserineError) || err.code === 'internal')
          logger.error({ err }, 'gRPC call failed');
        callback(toServiceError(err));
      },
    );
  };
}
