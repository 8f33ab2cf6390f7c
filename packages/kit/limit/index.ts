// Rate limiting: a period limit (quota per key per period), a token bucket (rate + burst per
// key) and a back-off on failures (exponential waits per key after the free ones), each over a
// LimitStore: in-process memory (embedded) or Redis (shared, atomic Lua). A local-first bucket
// answers from the process and keeps a shared bucket in step behind it (no round trip per take).
export { PeriodLimit, createPeriodLimit, type PeriodLimitOptions, type PeriodTake, type PeriodState } from './period-limit.js';
export { TokenBucket, createTokenBucket, type TokenBucketOptions, type TokenTake } from './token-limit.js';
export { createLocalFirstBucket, type LocalFirstBucket, type LocalFirstBucketOptions } from './local-first.js';
export { BackoffLimit, createBackoffLimit, type BackoffLimitOptions, type BackoffAttempt } from './backoff-limit.js';
export { createMemoryLimitStore, type MemoryLimitStore, type MemoryLimitStoreOptions } from './memory.js';
export { createRedisLimitStore, type RedisLimitStoreOptions } from './redis.js';
export type { LimitStore, WindowCount, BucketSpec, BucketTake, BackoffSpec, BackoffTake } from './store.js';
