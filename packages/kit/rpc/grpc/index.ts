// gRPC transport: every RpcServer also answers gRPC for outside callers (any language, from the
// .proto alone), and a Surge client can call any gRPC server. The interop door, not the hot path.
export { startGrpcServer, resolveGrpcServerOptions, type GrpcServer, type GrpcServerOptions } from './server.js';
export { createGrpcTransport, resolveGrpcTransportOptions, type GrpcTransport, type GrpcTransportOptions } from './transport.js';
export { codeFromGrpcStatus, SURGE_CODE_KEY, SURGE_DETAILS_KEY } from './status.js';
