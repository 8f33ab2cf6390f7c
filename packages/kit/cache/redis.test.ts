import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers } from '#kit/testing';
import { createCache, createRedisCacheStore, type RedisCacheStore } from './index.js';
import { cacheBehaviourSuite } from './cache.suite.js';
import { cacheStoreSuite } from './store.suite.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:cache:${randomUUID()}:`;

describe.skipIf(!hasRedis)('redis cache store', () => {
  let redis: Redis;
  let n = 0;
  const stores: RedisCacheStore[] = [];
  const fresh = (keyPrefix = `${runPrefix}${n++}:`) => {
    const store = createRedisCacheStore({ redis, keyPrefix });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-cache-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    let cursor = '0';
    for (let i = 0; i < 1000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    redis.disconnect();
  });

  cacheStoreSuite('redis', async () => ({
    store: fresh(),
    advance: (ms) => new Promise((r) => setTimeout(r, ms)), // Redis expires keys in real time
  }));

  cacheBehaviourSuite('redis store', () => fresh());

  it('a delete by a second cache instance drops the first one\'s local copy', async () => {
    const keyPrefix = `${runPrefix}shared:`;
    const storeA = fresh(keyPrefix);
    const storeB = fresh(keyPrefix);
    const a = createCache({ store: storeA, local: { ttlMs: 60_000 } });
    const b = createCache({ store: storeB, local: { ttlMs: 60_000 } });
    await Promise.all([storeA.subscribed(), storeB.subscribed()]);
    let version = 1;
    let loads = 0;
    const load = async () => {
      loads++;
      return { version };
    };
    expect(await a.take('item', load)).toEqual({ version: 1 });
    expect(await a.take('item', load)).toEqual({ version: 1 }); // local tier
    version = 2;
    await b.del('item');
    let seen: unknown;
    for (let i = 0; i < 40; i++) {
      seen = await a.take('item', load);
      if ((seen as { version: number }).version === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen).toEqual({ version: 2 });
    expect(loads).toBe(2);
  });

  it('values land in Redis as JSON under the prefix, missing ones as the placeholder', async () => {
    const keyPrefix = `${runPrefix}raw:`;
    const cache = createCache({ store: fresh(keyPrefix) });
    await cache.take('found', async () => ({ a: 1 }));
    await cache.take('missing', async () => undefined);
    expect(await redis.get(`${keyPrefix}found`)).toBe('{"a":1}');
    expect(await redis.get(`${keyPrefix}missing`)).toBe('*');
    const ttl = await redis.pttl(`${keyPrefix}missing`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(63_000);
  });
});
