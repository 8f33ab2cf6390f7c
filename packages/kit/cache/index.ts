// Cache-aside with a local tier, over an in-process or Redis store.
export { createCache } from './cache.js';
export { createMemoryCacheStore, type MemoryCacheStoreOptions } from './memory.js';
export { createRedisCacheStore, type RedisCacheStore, type RedisCacheStoreOptions } from './redis.js';
export { resolveCacheOptions, type CacheOptions, type CacheEvent } from './options.js';
export type { Cache, CacheStore, TakeOptions } from './types.js';
export { createPairFlags, type PairFlags } from './flags.js';
export { memoKeys, type KeyOf } from './key-memo.js';
export { createMicroCache, type MicroCache, type MicroCacheOptions } from './micro.js';
