// Feed index in a Redis sorted set shared by every video instance: member = video id, score =
// published_at. A marker member at score 0 (below every real instant) says the set was filled
// from the database; it lives in the same key, so a wipe or an eviction takes both together.
// Reads and writes are each one MULTI, so a page sees the entries, the size and the marker at
// one instant.
//   page:  ZREVRANGEBYSCORE key (before (0 WITHSCORES LIMIT 0 n · ZCARD key · ZSCORE key marker
//   add:   ZADD key s1 id1 … [0 marker] · ZREMRANGEBYRANK key 1 -(capacity+1)
// The trim keeps rank 0 (the marker) and the newest `capacity` entries above it.
import { redisErrorToSurge } from '#kit/redis';
import type { FeedEntry, FeedIndex, FeedSlice } from './feed-index-types.js';

/** The slice of an ioredis client the index uses (connectRedis from #kit/redis gives one). */
export interface FeedRedis {
  multi(commands: (string | number)[][]): { exec(): Promise<[error: Error | null, result: unknown][] | null> };
}

const MARKER = 'built';

export function createRedisFeedIndex(redis: FeedRedis, key: string, capacity: number): FeedIndex {
  const run = async (commands: (string | number)[][]): Promise<unknown[]> => {
    let results: [Error | null, unknown][] | null;
    try {
      results = await redis.multi(commands).exec();
    } catch (err) {
      throw redisErrorToSurge(err);
    }
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw redisErrorToSurge(failed?.[0] ?? new Error('transaction discarded'));
    return results.map(([, value]) => value);
  };

  return {
    capacity,

    async before(before, limit): Promise<FeedSlice> {
      const max = before === Infinity ? '+inf' : `(${before}`;
      const [range, card, marker] = await run([
        ['zrevrangebyscore', key, max, '(0', 'WITHSCORES', 'LIMIT', 0, limit],
        ['zcard', key],
        ['zscore', key, MARKER],
      ]);
      const flat = range as string[];
      const entries: FeedEntry[] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push({ id: Number(flat[i]), publishedAt: Number(flat[i + 1]) });
      const built = marker !== null && marker !== undefined;
      return { entries, size: Number(card) - (built ? 1 : 0), built };
    },

    async add(entries, options) {
      const zadd: (string | number)[] = ['zadd', key];
      for (const e of entries) zadd.push(e.publishedAt, String(e.id));
      if (options?.built) zadd.push(0, MARKER);
      if (zadd.length === 2) return;
      await run([zadd, ['zremrangebyrank', key, 1, -(capacity + 1)]]);
    },
  };
}
