// Public door of remote: clients for services in other processes, found in the registry,
// balanced by p2c over EWMA latency, each instance behind its own breakers.
export { remoteClient, type RemoteClient, type RemoteClientOptions } from './remote.js';
