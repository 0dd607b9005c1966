export {
  createGatewayService,
  gatewayDefaults,
  type GatewayOptions,
  type GatewayService,
} from './gateway-service.ts';
export { createCoordinateHandler, type WorkQueueApi } from './coordinate/index.ts';
export { createCborRpcServer, type CborRpcServer } from './cbor-rpc/index.ts';
export { createHttpServer, type HttpServer, type HttpServerOptions } from './http/index.ts';
