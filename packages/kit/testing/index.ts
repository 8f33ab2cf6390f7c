export { servers, requireServer, reachable, inCI, type ServerSpec } from './servers.js';
