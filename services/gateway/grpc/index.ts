export { createGrpcServer, type GrpcServer } from './grpc-server.ts';
export { loadProtos, protoRoot, type PasserineProtos } from './load-protos.ts';
export { grpcStatusOf } from './status-codes.ts';
