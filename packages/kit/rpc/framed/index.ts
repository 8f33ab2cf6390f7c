// Surge's framed RPC protocol over TCP (docs/protocol.md): the fast path between Surge processes.
export { createFramedTransport, type FramedTransport, type FramedTransportState, type FramedTransportStats } from './transport.js';
export { startFramedServer, type FramedServer } from './server.js';
export {
  resolveFramedTransportOptions,
  resolveFramedServerOptions,
  DEFAULT_MAX_FRAME_BYTES,
  type FramedTransportOptions,
  type FramedServerOptions,
} from './options.js';
export { PROTOCOL_VERSION } from './frame.js';
