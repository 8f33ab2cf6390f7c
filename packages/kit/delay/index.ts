// Delayed jobs: schedule a job (topic, id, JSON or bytes) for a time, cancel it by id, one handler
// per topic; claimed atomically with a visibility timeout (at-least-once, idempotent handlers),
// retried with back-off, dead-lettered after maxAttempts. Embedded store in process; server store
// on Redis sorted sets (durable across restarts, shared by every instance).
export type { DelayScheduler, DelayedJob, DelayHandler, ScheduleRequest } from './types.js';
export type { DelaySchedulerOptions } from './options.js';
export { createDelayScheduler } from './scheduler.js';
export { createMemoryDelayStore, type MemoryDelayStoreOptions } from './memory.js';
export { createRedisDelayStore, type RedisDelayStoreOptions } from './redis.js';
// Below: for adapter authors and tests, not for services.
export type { DelayStore, JobRecord, Claim, ClaimRequest, DeadJob, DelayStoreCounts } from './store.js';
