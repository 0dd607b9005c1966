import type {
  sendUnaryData,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { unimplemented } from './status-codes.ts';

/**
 * Sparrow's SchedulerService. The scheduling services (frontend, node monitors) expose no API the
 * gateway can call yet, so every method answers UNIMPLEMENTED; the .proto is the contract.
 */
export function schedulerService(): UntypedServiceImplementation {
  const notYet = (method: string) => unimplemented(`Scheduler.${method} is not served by this gateway yet`);
  const unaryNotYet =
    (method: string) => (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
      callback(notYet(method));
  return {
    SubmitJob: unaryNotYet('SubmitJob'),
    CancelJob: unaryNotYet('CancelJob'),
    WatchJob: (call: ServerWritableStream<unknown, unknown>) =>
      call.destroy(Object.assign(new Error(), notYet('WatchJob'))),
  };
}
