export { servers, requireServer, reachable, inCI, type ServerSpec } from './servers.js';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './tcp-proxy.js';
export { startEtcd, requireEtcdBinary, etcdBinary, type TestEtcd } from './etcd.js';
export { seededRandom } from '#kit/random';
export { testDatabases, dropDatabases, type TestDatabaseKind } from './databases.js';
export { refusalOf, rejectionOf } from './refusal.js';
export { dropRedisKeys } from './redis-keys.js';
export { inProcessClient, testCallContext, contractPart } from './in-process.js';
export { acceptedInOneTurn, acceptQueueLength } from './accept-queue.js';
