// Redis-backed tests write under a prefix of their own run; this removes every key under it.
import type { Redis } from '#kit/redis';

/** Deletes every key starting with `prefix` (SCAN, at most 1,000 rounds of 500). */
export async function dropRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let i = 0; i < 1000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
}
