import type { CborRpcHandler } from '../cbor-rpc/index.ts';
import { noSuchMethod } from '../cbor-rpc/index.ts';
import { adminMethods } from './admin-methods.ts';
import { asClientError } from './domain-answers.ts';
import type { CoordinateMethod, WorkQueueApi } from './method.ts';
import { readArgs } from './params.ts';
import { specMethods } from './spec-methods.ts';
import { unitMethods } from './unit-methods.ts';
import { workMethods } from './work-methods.ts';
import { workerMethods } from './worker-methods.ts';

/** Every Coordinate method by wire name; a Map so names like 'constructor' are simply unknown. */
export function coordinateMethods(namespace: string): Map<string, CoordinateMethod> {
  return new Map(
    Object.entries({
      ...specMethods,
      ...unitMethods,
      ...workMethods,
      ...workerMethods,
      ...adminMethods(namespace),
    }),
  );
}

/** The CBOR-RPC handler speaking Coordinate over one namespace of the work queue. */
export function createCoordinateHandler(api: WorkQueueApi, namespace: string): CborRpcHandler {
  const methods = coordinateMethods(namespace);
  return async (name, params) => {
    const method = methods.get(name);
    if (!method) throw noSuchMethod(name);
    try {
      return await method.run(readArgs(name, params, method.params, method.optional), api);
    } catch (err) {
      throw asClientError(err);
    }
  };
}
