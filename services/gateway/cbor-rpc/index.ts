export { type CborRpcServer, createCborRpcServer } from './server.ts';
export {
  type CborRpcContext,
  type CborRpcHandler,
  type CborRpcServerOptions,
  serverDefaults,
} from './handler.ts';
export { errorMessageOf, noSuchMethod } from './method-errors.ts';
