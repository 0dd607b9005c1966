export {
  startNatsServer,
  type NatsServerHandle,
  type NatsServerOptions,
  type ServerExit,
} from './server.ts';
export { buildServerConfig, type ServerTls, stripBlock } from './server-config.ts';
export {
  natsServerBinary,
  natsServerVersion,
  parseServerVersion,
  serverAtLeast,
  type ServerVersion,
} from './server-binary.ts';
export { freePort, portIsFree } from './free-port.ts';
export {
  connectNats,
  inboxOf,
  waitForJetStream,
  type ConnectOptions,
  type NatsConnection,
} from './connect.ts';
export {
  serveRpc,
  requestRpc,
  requestMessage,
  okReply,
  errReply,
  sendReply,
  type Reply,
  type RequestMessageOptions,
  type RpcHandler,
  type ServeOptions,
} from './rpc.ts';
export type { Service, ServiceContext } from './service.ts';
export {
  startSupervisedServer,
  type SupervisedServer,
  type SupervisedServerOptions,
} from './supervised-server.ts';
export { decideRestart, type RestartDecision, type RestartPolicy } from './restart-policy.ts';
export { LocalRpc, type LocalHandler } from './local-rpc.ts';
export { type BucketWatchHandlers, type WatchableBucket, watchBucket } from './watch-bucket.ts';
