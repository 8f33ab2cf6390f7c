// Redis goes away under a cache (cut by a TCP proxy the test controls, never the shared
// server) and comes back: loads are rationed, callers get Unavailable, and the store is used
// again without a restart.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers, startTcpProxy, type TcpProxy } from '#kit/testing';
import { createCache, createRedisCacheStore, type Cache, type RedisCacheStore } from './index.js';

const hasRedis = await requireServer(servers.redis);
const prefix = `surge-test:cache-down:${randomUUID()}:`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasRedis)('cache when Redis is down', () => {
  let proxy: TcpProxy;
  let viaProxy: Redis;
  let direct: Redis;
  let store: RedisCacheStore;
  let cache: Cache;
  const fallback = { ratePerSec: 20, burst: 10 };

  beforeAll(async () => {
    proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    viaProxy = connectRedis({ port: proxy.port, maxReconnectDelayMs: 200, commandTimeoutMs: 500 });
    direct = connectRedis({ host: servers.redis.host, port: servers.redis.port });
    await Promise.all([redisReady(viaProxy), redisReady(direct)]);
    store = createRedisCacheStore({ redis: viaProxy, keyPrefix: prefix });
    cache = createCache({ store, fallback, probeIntervalMs: 100 });
  });
  afterAll(async () => {
    await cache.close();
    await store.close();
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length) await direct.del(...keys);
    viaProxy.disconnect();
    direct.disconnect();
    await proxy.close();
  });

  it('rations loads while down, then serves from Redis again once it is back', async () => {
    await cache.ping();
    proxy.cut();
    await sleep(50);

    let loads = 0;
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => cache.take(`user:${i}`, async () => {
        loads++;
        return { id: i };
      })),
    );
    const elapsedSec = (performance.now() - started) / 1000;
    const answered = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(answered.length + refused.length).toBe(200);
    expect(answered.length).toBe(loads);
    expect(loads).toBeGreaterThanOrEqual(fallback.burst);
    expect(loads).toBeLessThanOrEqual(fallback.burst + Math.ceil(fallback.ratePerSec * elapsedSec));
    for (const e of refused) {
      expect(e).toBeInstanceOf(SurgeError);
      expect((e as SurgeError).code).toBe(Code.Unavailable);
      expect((e as SurgeError).details?.dependency).toBe('redis');
    }
    expect(elapsedSec).toBeLessThan(2); // failed fast, no queueing
    await expect(cache.ping()).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'redis' } });

    proxy.restore();
    // A fresh key each try: a read answered while the cache still thinks Redis is down is kept
    // in the local tier, so retrying the same key would not show the switch back.
    let served: unknown;
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      const key = `back:${i}`;
      await direct.set(`${prefix}${key}`, JSON.stringify({ id: 'from redis' }), 'PX', 60_000);
      served = await cache.take(key, async () => ({ id: 'from db' })).catch(() => undefined);
      if ((served as { id?: string } | undefined)?.id === 'from redis') break;
    }
    expect(served).toEqual({ id: 'from redis' });
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});
