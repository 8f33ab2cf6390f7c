// The filter of product ids: in process memory in one process, a Redis bitmap when there is
// Redis, so every instance sees an id the moment any instance creates it (a filter per process
// would tell the others "never created" about it).
import { createMemoryBloomFilter, createRedisBloomFilter, type BloomFilter } from '#kit/bloom';
import type { Redis } from '#kit/redis';

export interface ProductIdFilterOptions {
  /** The shared Redis; undefined = this process only. */
  redis: Redis | undefined;
  /** The system's key prefix (cache.redis.keyPrefix). */
  keyPrefix: string;
  expectedItems: number;
}

export function createProductIdFilter(o: ProductIdFilterOptions): BloomFilter {
  if (!o.redis) return createMemoryBloomFilter({ expectedItems: o.expectedItems });
  return createRedisBloomFilter({ redis: o.redis, key: 'product-ids', keyPrefix: `${o.keyPrefix}bloom:`, expectedItems: o.expectedItems });
}
