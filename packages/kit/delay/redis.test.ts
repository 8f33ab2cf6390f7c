import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { requireServer, servers, startTcpProxy, dropRedisKeys } from '#kit/testing';
import type { SurgeError } from '#kit/errors';
import { createDelayScheduler, createRedisDelayStore, type DelayStore } from './index.js';
import { delaySuite, waitFor } from './delay.suite.js';

const hasRedis = await requireServer(servers.redis);
const runPrefix = `surge-test:delay:${randomUUID()}:`;

const connect = async () => {
  const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-delay-test' });
  await redisReady(redis);
  return redis;
};

describe.skipIf(!hasRedis)('redis delay store', () => {
  let admin: Redis;
  const connections = new Map<DelayStore, Redis>();
  beforeAll(async () => {
    admin = await connect();
  });
  afterAll(async () => {
    for (const redis of connections.values()) redis.disconnect();
    await dropRedisKeys(admin, runPrefix);
    admin.disconnect();
  });

  let run = 0;
  delaySuite('redis', {
    async backing() {
      const namespace = `suite-${run++}`;
      return {
        // Each store has its own connection, as each process would.
        async open() {
          const redis = await connect();
          const store = createRedisDelayStore({ redis, keyPrefix: runPrefix, namespace });
          connections.set(store, redis);
          return store;
        },
        async drop(store) {
          connections.get(store)?.disconnect();
          connections.delete(store);
        },
      };
    },
  });

  it('keeps a namespace in one hash slot and in its own keys', async () => {
    const redis = await connect();
    const clock = new ManualClock(Date.now());
    const order = createDelayScheduler({ store: createRedisDelayStore({ redis, keyPrefix: runPrefix, namespace: 'order' }), clock });
    const other = createRedisDelayStore({ redis, keyPrefix: runPrefix, namespace: 'other' });
    await order.schedule({ id: 'o1', topic: 'order.timeout', data: 1, delayMs: 0 });
    const keys = (await admin.keys(`${runPrefix}*`)).filter((k) => k.includes('{order}'));
    expect(keys.sort()).toEqual([`${runPrefix}{order}:due`, `${runPrefix}{order}:job`]);
    expect(await other.claim({ nowMs: clock.now(), limit: 10, visibilityMs: 1000, maxAttempts: 5 })).toEqual([]);
    expect(await other.counts()).toEqual({ due: 0, running: 0, dead: 0 });
    await order.close();
    redis.disconnect();
  });

  it('while Redis is away, polls report Unavailable to onError and the job fires once it is back', async () => {
    const proxy = await startTcpProxy({ target: { host: servers.redis.host, port: servers.redis.port } });
    const viaProxy = connectRedis({ port: proxy.port, maxReconnectDelayMs: 100 });
    await redisReady(viaProxy);
    const clock = new ManualClock(Date.now());
    const seen: SurgeError[] = [];
    const fired: string[] = [];
    const s = createDelayScheduler({
      store: createRedisDelayStore({ redis: viaProxy, keyPrefix: runPrefix, namespace: 'outage', name: 'redis-jobs' }),
      clock,
      onError: (err) => void seen.push(err),
      handlers: { t: async (job) => void fired.push(job.id) },
    });
    try {
      await s.schedule({ id: 'o', topic: 't', data: 0, delayMs: 1000 });
      proxy.cut();
      await waitFor(() => viaProxy.status !== 'ready', 'the connection to drop');
      clock.advance(1000);
      await waitFor(() => seen.length >= 1, 'a failed poll to be reported');
      expect(seen[0]).toMatchObject({ code: 50301, details: { dependency: 'redis-jobs' } });
      expect(fired).toEqual([]);
      proxy.restore();
      await redisReady(viaProxy);
      clock.advance(1000); // the next tick
      await waitFor(() => fired.length === 1, 'the job after Redis came back');
      expect(fired).toEqual(['o']);
    } finally {
      await s.close();
      viaProxy.disconnect();
      await proxy.close();
    }
  });

  it('on the system clock (the default), a job fires after its delay and not before', async () => {
    const redis = await connect();
    const fired: number[] = [];
    const s = createDelayScheduler({
      store: createRedisDelayStore({ redis, keyPrefix: runPrefix, namespace: 'real-time' }),
      pollIntervalMs: 20,
      handlers: { t: async () => void fired.push(Date.now()) },
    });
    try {
      const scheduledAt = Date.now();
      await s.schedule({ id: 'soon', topic: 't', data: 0, delayMs: 150 });
      await waitFor(() => fired.length === 1, 'the job on the real clock', 5000);
      expect(fired[0]! - scheduledAt).toBeGreaterThanOrEqual(150);
    } finally {
      await s.close();
      redis.disconnect();
    }
  });

  it('a Redis that does not answer fails schedule with Unavailable naming the dependency', async () => {
    const redis = await connect();
    const s = createDelayScheduler({ store: createRedisDelayStore({ redis, keyPrefix: runPrefix, namespace: 'down', name: 'redis-jobs' }), clock: new ManualClock() });
    redis.disconnect();
    await expect(s.schedule({ id: 'x', topic: 't', data: 0, delayMs: 10 })).rejects.toMatchObject({ code: 50301, details: { dependency: 'redis-jobs' } });
    await s.close();
  });
});
