import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '#kit/clock';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers, startTcpProxy, type TcpProxy, dropRedisKeys } from '#kit/testing';
import { createRedisLimitStore, createTokenBucket, createPeriodLimit } from './index.js';
import { limitStoreSuite } from './limit.suite.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:limit:${randomUUID()}:`;

describe.skipIf(!hasRedis)('redis limit store', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-limit-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    await dropRedisKeys(redis, runPrefix);
    redis.disconnect();
  });

  let run = 0;
  limitStoreSuite('redis', () => {
    const clock = new ManualClock(Date.now());
    const periodMs = 800;
    // No fallback: a Redis failure must fail the suite, not be answered in-process.
    const store = createRedisLimitStore({ redis, keyPrefix: `${runPrefix}${run++}:`, fallback: false, clock });
    return {
      store,
      clock,
      periodMs,
      keyPrefix: '',
      passPeriod: async () => {
        clock.advance(periodMs);
        await new Promise((r) => setTimeout(r, periodMs + 50)); // Redis expires keys in real time
      },
    };
  });
});

describe.skipIf(!hasRedis)('redis limit store when Redis goes away', () => {
  let proxy: TcpProxy;
  let viaProxy: Redis;
  let direct: Redis;
  const prefix = `${runPrefix}failover:`;
  beforeAll(async () => {
    proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    viaProxy = connectRedis({ port: proxy.port, maxReconnectDelayMs: 100 });
    direct = connectRedis({ host: servers.redis.host, port: servers.redis.port });
    await Promise.all([redisReady(viaProxy), redisReady(direct)]);
  });
  afterAll(async () => {
    await dropRedisKeys(direct, prefix);
    viaProxy.disconnect();
    direct.disconnect();
    await proxy.close();
  });

  it('falls back to an in-process bucket, then switches back to Redis once it answers', async () => {
    const store = createRedisLimitStore({ redis: viaProxy, keyPrefix: prefix, probeIntervalMs: 50 });
    const bucket = createTokenBucket({ ratePerSec: 1, burst: 3, store, clock: systemClock, keyPrefix: 'b:' });
    const period = createPeriodLimit({ periodMs: 60_000, quota: 2, store, keyPrefix: 'p:' });
    expect((await bucket.take('u')).allowed).toBe(true);
    expect(await direct.exists(`${prefix}b:u`)).toBe(1);

    proxy.cut();
    await new Promise((r) => setTimeout(r, 50));
    // Answers keep coming (no errors), limited in-process: burst 3 of a fresh local bucket.
    const down = [];
    for (let i = 0; i < 5; i++) down.push((await bucket.take('v')).allowed);
    expect(down).toEqual([true, true, true, false, false]);
    expect((await period.take('w')).state).toBe('allowed');
    expect(await direct.exists(`${prefix}b:v`)).toBe(0);

    proxy.restore();
    let backOnRedis = false;
    for (let i = 0; i < 50 && !backOnRedis; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await bucket.take('x');
      backOnRedis = (await direct.exists(`${prefix}b:x`)) === 1;
    }
    expect(backOnRedis).toBe(true);
    await store.close();
  });

  it('without a fallback, failures reach the caller as Unavailable naming the dependency', async () => {
    const store = createRedisLimitStore({ redis: viaProxy, keyPrefix: prefix, fallback: false, name: 'redis-limits' });
    await redisReady(viaProxy);
    proxy.cut();
    await new Promise((r) => setTimeout(r, 50));
    const limit = createPeriodLimit({ periodMs: 1000, quota: 1, store });
    await expect(limit.take('k')).rejects.toMatchObject({ code: 50301, details: { dependency: 'redis-limits' } });
    await expect(store.ping()).rejects.toMatchObject({ code: 50301 });
    proxy.restore();
    await redisReady(viaProxy);
  });
});
