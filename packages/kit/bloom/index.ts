// Bloom filter for penetration on id spaces: sized from n and p, k positions by double hashing
// from one MurmurHash3 x86_128 digest, over a bitmap in process memory (embedded) or a Redis
// string (shared, one Lua script per batch).
export type { BloomFilter, BloomOptions } from './bloom.js';
export type { BloomItem } from './double-hashing.js';
export { createMemoryBloomFilter } from './memory.js';
export { createRedisBloomFilter, type RedisBloomOptions } from './redis.js';
