export { connectRedis, redisReady, redisErrorToSurge, resolveConnectRedisOptions, type ConnectRedisOptions } from './connect.js';
/** The ioredis client type, re-exported so adapters type their option without importing ioredis themselves. */
export type { Redis } from 'ioredis';
export { subscribeArrays, type ArraySubscription } from './subscribe.js';
