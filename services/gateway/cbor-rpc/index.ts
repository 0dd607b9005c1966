export { type CborRpcServer, createCborRpcServer } from './server.ts';
export {
  type CborRpcContext,
  type CborRpcHandler,
  type CborRpcServerOptions,
  type ConnectionObserver,
  type DropReason,
  serverDefaults,
} from './handler.ts';
export { errorMessageOf, noSuchMethod } from './method-errors.ts';
