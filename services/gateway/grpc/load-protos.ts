import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The repository's proto/ folder, the one source of the gRPC definitions. */
export const protoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'proto');

/**
 * How messages look in JS: field names as written in the .proto, 64-bit numbers as JS numbers,
 * enums as their numbers (Coordinate's status numbers), unset fields left out so `optional` means
 * something, and the set member of a oneof named in its `kind`.
 */
const loaderOptions = {
  keepCase: true,
  longs: Number,
  enums: Number,
  defaults: false,
  oneofs: true,
  includeDirs: [protoRoot],
};

export interface PasserineProtos {
  WorkQueue: ServiceClientConstructor;
  Worker: ServiceClientConstructor;
  Scheduler: ServiceClientConstructor;
}

/** Loads the three services (for the server, and for clients in tests and tools). */
export function loadProtos(): PasserineProtos {
  const files = ['passerine/workqueue.proto', 'passerine/worker.proto', 'passerine/scheduler.proto'];
  const root = loadPackageDefinition(loadSync(files, loaderOptions)) as GrpcObject;
  const pkg = (path: string) =>
    path.split('.').reduce((o, part) => (o as GrpcObject)[part] as GrpcObject, root as GrpcObject);
  return {
    WorkQueue: pkg('passerine.workqueue.v1').WorkQueue as ServiceClientConstructor,
    Worker: pkg('passerine.worker.v1').Worker as ServiceClientConstructor,
    Scheduler: pkg('passerine.scheduler.v1').Scheduler as ServiceClientConstructor,
  };
}
