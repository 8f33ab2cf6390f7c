import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers } from '#kit/testing';
import { createRedisPresence } from './index.js';
import { presenceSuite } from './presence.suite.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:presence:${randomUUID()}:`;

describe.skipIf(!hasRedis)('redis presence', () => {
  // Two connections, as two gateway instances would have.
  let redisA: Redis;
  let redisB: Redis;
  let n = 0;

  beforeAll(async () => {
    redisA = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-presence-test-a' });
    redisB = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-presence-test-b' });
    await Promise.all([redisReady(redisA), redisReady(redisB)]);
  });
  afterAll(async () => {
    await dropRedisKeys(redisA, runPrefix);
    redisA.disconnect();
    redisB.disconnect();
  });

  presenceSuite('redis', async ({ ttlMs }) => {
    const clock = new ManualClock();
    const keyPrefix = `${runPrefix}${n++}:`;
    return { a: createRedisPresence({ redis: redisA, keyPrefix, ttlMs, clock }), b: createRedisPresence({ redis: redisB, keyPrefix, ttlMs, clock }), clock };
  });

  it('keeps a room in four keys under the prefix and one hash tag, each expiring 2 × ttl after the last write', async () => {
    const keyPrefix = `${runPrefix}keys:`;
    const presence = createRedisPresence({ redis: redisA, keyPrefix, ttlMs: 10_000, clock: new ManualClock() });
    await presence.join('room-9', { userId: 'u1', connId: 'c1', info: { name: '王五' } });
    const keys = (await redisA.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual(['conn', 'exp', 'info', 'user'].map((k) => `${keyPrefix}{room-9}:${k}`));
    for (const key of keys) {
      const ttl = await redisA.pttl(key);
      expect(ttl).toBeGreaterThan(15_000);
      expect(ttl).toBeLessThanOrEqual(20_000);
    }
    expect(await redisA.hget(`${keyPrefix}{room-9}:info`, 'u1')).toBe('{"name":"王五"}');
    await presence.leave('room-9', 'c1');
    expect(await redisA.keys(`${keyPrefix}*`)).toEqual([]); // an empty room leaves nothing behind
  });

  it('a different prefix is a different world', async () => {
    const clock = new ManualClock();
    const one = createRedisPresence({ redis: redisA, keyPrefix: `${runPrefix}one:`, clock });
    const two = createRedisPresence({ redis: redisA, keyPrefix: `${runPrefix}two:`, clock });
    await one.join('r', { userId: 'u1', connId: 'c1' });
    expect(await one.count('r')).toBe(1);
    expect(await two.count('r')).toBe(0);
  });

  it('a Redis that does not answer fails calls with Unavailable naming the dependency', async () => {
    const dead = connectRedis({ port: 1, maxReconnectDelayMs: 100 });
    try {
      const presence = createRedisPresence({ redis: dead, name: 'redis-presence' });
      const err = await presence.count('r').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: Code.Unavailable, details: { dependency: 'redis-presence' } });
    } finally {
      dead.disconnect();
    }
  });

  it('refuses a missing connection and bad options at construction', () => {
    expect(() => createRedisPresence({} as never)).toThrow(/redis/);
    expect(() => createRedisPresence({ redis: redisA, ttlMs: -1 })).toThrow(/ttlMs/);
  });
});
