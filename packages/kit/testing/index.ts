export { servers, requireServer, reachable, inCI, type ServerSpec } from './servers.js';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './tcp-proxy.js';
