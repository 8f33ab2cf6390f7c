// Where the category lists are cached: a Redis sorted set per list when the instances share a
// Redis (a write on one instance must reach every instance's next read), in this process
// otherwise (embedded). With Redis, each instance may also keep the lists it served for a moment
// (list-store-local.ts), dropped by every bump it hears. The store only keeps lists;
// category-lists.ts decides when one answers.
import type { Clock } from '#kit/clock';
import type { ListStore } from './list-entries.js';
import { withLocalTier, type BumpFeed } from './list-store-local.js';
import { createMemoryListStore } from './list-store-memory.js';
import { createRedisListStore, type ListRedis } from './list-store-redis.js';

export interface ListStoreOptions {
  /** The shared Redis; undefined = this process only. */
  redis: ListRedis | undefined;
  /** The system's key prefix (cache.redis.keyPrefix). */
  keyPrefix: string;
  /** Ages the lists kept in process. */
  clock: Clock;
  /** With Redis: a local tier keeping each list this long, dropped by the bumps `feed` brings. */
  local?: { ttlMs: number; size: number; feed: BumpFeed };
}

export function createListStore(o: ListStoreOptions): ListStore & { close(): Promise<void> } {
  if (!o.redis) return { ...createMemoryListStore(o.clock), close: async () => {} };
  const shared = createRedisListStore(o.redis, o.keyPrefix);
  if (!o.local || o.local.ttlMs <= 0) return { ...shared, close: async () => {} };
  return withLocalTier(shared, { ...o.local, clock: o.clock });
}

export type { ListRedis };
