export { startNatsServer, type NatsServerHandle, type NatsServerOptions } from './server.ts';
export { buildServerConfig, stripBlock } from './server-config.ts';
export {
  natsServerBinary,
  natsServerVersion,
  parseServerVersion,
  serverAtLeast,
  type ServerVersion,
} from './server-binary.ts';
export { freePort, portIsFree } from './free-port.ts';
export { connectNats, waitForJetStream, type ConnectOptions, type NatsConnection } from './connect.ts';
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
export { LocalRpc, type LocalHandler } from './local-rpc.ts';
