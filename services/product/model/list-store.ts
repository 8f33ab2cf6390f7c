// Where the category lists are cached: a Redis sorted set per list when the instances share a
// Redis (a write on one instance must reach every instance's next read), in this process
// otherwise (embedded). The store only keeps lists; category-lists.ts decides when one answers.
import type { Clock } from '#kit/clock';
import type { ListStore } from './list-entries.js';
import { createMemoryListStore } from './list-store-memory.js';
import { createRedisListStore, type ListRedis } from './list-store-redis.js';

export interface ListStoreOptions {
  /** The shared Redis; undefined = this process only. */
  redis: ListRedis | undefined;
  /** The system's key prefix (cache.redis.keyPrefix). */
  keyPrefix: string;
  /** Ages the lists kept in process. */
  clock: Clock;
}

export function createListStore(o: ListStoreOptions): ListStore {
  return o.redis ? createRedisListStore(o.redis, o.keyPrefix) : createMemoryListStore(o.clock);
}

export type { ListRedis };
