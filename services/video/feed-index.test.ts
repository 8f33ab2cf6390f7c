// One behaviour suite for both feed index adapters: in process, and a Redis sorted set (real
// Redis on 127.0.0.1:6379 when reachable, under a key unique to this run, deleted after).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers } from '#kit/testing';
import { createFeedIndex, type FeedEntry, type FeedIndex } from './index.js';

const entry = (i: number): FeedEntry => ({ id: 100 + i, publishedAt: 1_700_000_000_000 + i * 10 });
const ids = (entries: readonly FeedEntry[]) => entries.map((e) => e.id);

function feedIndexSuite(name: string, make: (capacity?: number) => FeedIndex) {
  describe(`feed index: ${name}`, () => {
    it('pages newest first, strictly before the bound, at most limit', async () => {
      const index = make();
      // Added out of order, as instances with skewed clocks would.
      await index.add([entry(3), entry(1), entry(5)]);
      await index.add([entry(2), entry(4)]);
      expect(ids((await index.before(Infinity, 10)).entries)).toEqual([105, 104, 103, 102, 101]);
      expect(ids((await index.before(Infinity, 2)).entries)).toEqual([105, 104]);
      expect(ids((await index.before(entry(4).publishedAt, 2)).entries)).toEqual([103, 102]);
      expect(ids((await index.before(entry(4).publishedAt + 1, 1)).entries)).toEqual([104]);
      expect((await index.before(entry(1).publishedAt, 5)).entries).toEqual([]);
      expect((await index.before(Infinity, 1)).entries).toEqual([entry(5)]);
    });

    it('is not built until filled from the database; size counts entries only', async () => {
      const index = make();
      expect(await index.before(Infinity, 5)).toEqual({ entries: [], size: 0, built: false });
      await index.add([entry(1)]);
      expect(await index.before(Infinity, 5)).toMatchObject({ size: 1, built: false });
      await index.add([entry(1), entry(2)], { built: true });
      expect(await index.before(Infinity, 5)).toMatchObject({ size: 2, built: true });
      await index.add([], { built: true });
      expect(await index.before(Infinity, 5)).toMatchObject({ size: 2, built: true });
    });

    it('keeps only the newest `capacity` entries', async () => {
      const index = make(5);
      await index.add(Array.from({ length: 8 }, (_, i) => entry(i)), { built: true });
      expect(await index.before(Infinity, 10)).toMatchObject({ size: 5, built: true });
      expect(ids((await index.before(Infinity, 10)).entries)).toEqual([107, 106, 105, 104, 103]);
      await index.add([entry(20), entry(0)]);
      expect(ids((await index.before(Infinity, 10)).entries)).toEqual([120, 107, 106, 105, 104]);
    });

    it('takes the same entry twice as one', async () => {
      const index = make();
      await index.add([entry(1), entry(1)]);
      await index.add([entry(1)]);
      expect((await index.before(Infinity, 5)).size).toBe(1);
    });
  });
}

feedIndexSuite('in process', (capacity) => createFeedIndex(capacity === undefined ? {} : { capacity }));

it('refuses a capacity that is not a positive integer', () => {
  expect(() => createFeedIndex({ capacity: 0 })).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
});

const hasRedis = await requireServer(servers.redis);
describe.skipIf(!hasRedis)('on Redis', () => {
  let redis: Redis;
  const prefix = `surgetest:${Math.random().toString(36).slice(2, 10)}:`;
  let n = 0;
  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-video-feed-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  feedIndexSuite('Redis sorted set', (capacity) => createFeedIndex({ redis, key: `${prefix}feed${n++}`, ...(capacity === undefined ? {} : { capacity }) }));

  it('is shared by every instance on the same key, and a wipe makes it cold again', async () => {
    const key = `${prefix}shared`;
    const a = createFeedIndex({ redis, key });
    const b = createFeedIndex({ redis, key });
    await a.add([entry(1)], { built: true });
    await b.add([entry(2)]);
    expect(await a.before(Infinity, 5)).toEqual({ entries: [entry(2), entry(1)], size: 2, built: true });
    await redis.del(key);
    expect(await b.before(Infinity, 5)).toEqual({ entries: [], size: 0, built: false });
  });

  it('fails with Unavailable naming redis when Redis does not answer', async () => {
    const down = connectRedis({ host: '127.0.0.1', port: 1, connectTimeoutMs: 200 });
    try {
      const index = createFeedIndex({ redis: down, key: `${prefix}down` });
      await expect(index.before(Infinity, 5)).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'redis' } });
      await expect(index.add([entry(1)])).rejects.toMatchObject({ code: Code.Unavailable });
    } finally {
      down.disconnect();
    }
  });
});
