import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { requireServer, servers, startTcpProxy, type TcpProxy } from '#kit/testing';
import { connectRedis, redisErrorToSurge, redisReady, type Redis } from './index.js';

describe('connectRedis options', () => {
  it('rejects bad options at construction, naming the option', () => {
    expect(() => connectRedis({ commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => connectRedis({ port: 70000 })).toThrow(/port/);
  });

  it('redisErrorToSurge gives Unavailable naming the dependency and keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = redisErrorToSurge(cause, 'redis-cache');
    expect(e.code).toBe(Code.Unavailable);
    expect(e.details?.dependency).toBe('redis-cache');
    expect(e.cause).toBe(cause);
  });
});

const hasRedis = await requireServer(servers.redis);

describe.skipIf(!hasRedis)('connectRedis against a Redis that goes away and comes back', () => {
  let proxy: TcpProxy;
  let redis: Redis;
  beforeAll(async () => {
    proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    redis = connectRedis({ port: proxy.port, name: 'surge-connect-test', maxReconnectDelayMs: 200 });
    await redisReady(redis);
  });
  afterAll(async () => {
    redis.disconnect();
    await proxy.close();
  });

  it('fails fast while cut and is used again after restore, without a new client', async () => {
    expect(await redis.ping()).toBe('PONG');
    proxy.cut();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => redis.ping()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    proxy.restore();
    await redisReady(redis, 5000);
    expect(await redis.ping()).toBe('PONG');
  });

  it('redisReady rejects with Unavailable when Redis does not come up', async () => {
    const dead = connectRedis({ port: 1, maxReconnectDelayMs: 100 });
    const err = await redisReady(dead, 300).catch((e: unknown) => e);
    dead.disconnect();
    expect(err).toBeInstanceOf(SurgeError);
    expect((err as SurgeError).code).toBe(Code.Unavailable);
  });
});
