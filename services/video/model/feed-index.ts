// The feed index: the newest published videos as (published_at → id), newest first, so a feed
// page costs no database query while it falls inside what the index holds. Two adapters: a
// sorted array in this process (embedded: one process sees every publish), and a Redis sorted
// set shared by every video instance (distributed). The index only stores; the feed model
// (feed.ts) decides when it can answer, fills it from the database and falls back to queries.
import { errors } from '#kit/errors';
import { createMemoryFeedIndex } from './feed-index-memory.js';
import { createRedisFeedIndex, type FeedRedis } from './feed-index-redis.js';
import type { FeedIndex } from './feed-index-types.js';

export interface FeedIndexOptions {
  /** A Redis connection (connectRedis from #kit/redis) to share the index between instances. Default none: in process. */
  redis?: FeedRedis;
  /** Redis key of the sorted set. Default 'video:feed'. Instances that share a feed share the key. */
  key?: string;
  /**
   * Entries kept, newest first. Default 10_000: about 330 pages of 30, far past where readers stop
   * scrolling, and about 1 MB in Redis; older pages are served by the database.
   */
  capacity?: number;
}

export const DEFAULT_FEED_CAPACITY = 10_000;

export function createFeedIndex(options: FeedIndexOptions = {}): FeedIndex {
  const capacity = options.capacity ?? DEFAULT_FEED_CAPACITY;
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw errors.invalid('capacity', 'must be a positive integer');
  const key = options.key ?? 'video:feed';
  if (typeof key !== 'string' || key === '') throw errors.invalid('key', 'must be a non-empty Redis key');
  return options.redis ? createRedisFeedIndex(options.redis, key, capacity) : createMemoryFeedIndex(capacity);
}

export type { FeedRedis };
export type { FeedEntry, FeedIndex, FeedSlice } from './feed-index-types.js';
