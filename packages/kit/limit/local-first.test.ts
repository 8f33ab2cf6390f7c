// The local-first bucket: exact for the takes one process sees, and across processes within the
// takes of one round trip to the shared store; a shared store that fails leaves the key limited
// here only. On a memory store standing in for the shared one, and on a real Redis (required in CI)
// with two buckets as two processes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers } from '#kit/testing';
import { createLocalFirstBucket, createMemoryLimitStore, createRedisLimitStore, type LimitStore } from './index.js';

/** Every shared take started so far has answered. */
const settled = () => new Promise((r) => setImmediate(r));

/** A shared store that counts the takes it is asked for. */
function counting(store: LimitStore): LimitStore & { takes: number } {
  const c = Object.assign(Object.create(store) as LimitStore, { takes: 0 });
  c.takeTokens = (...args) => {
    c.takes += 1;
    return store.takeTokens(...args);
  };
  return c;
}

describe('local-first bucket', () => {
  it('answers 5 of 6 takes at 5 a second from the process, and tells the shared bucket of each one it allowed', async () => {
    const clock = new ManualClock(1_000_000);
    const shared = counting(createMemoryLimitStore({ clock }));
    const sends = createLocalFirstBucket({ ratePerSec: 5, burst: 5, shared, clock });
    const takes = [];
    for (let i = 0; i < 6; i++) takes.push(await sends.take('user-1'));
    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, true, true, false]);
    expect(takes[5]!.retryAfterMs).toBe(200);
    await settled();
    expect(shared.takes).toBe(5);
    // Another key has its own bucket.
    expect((await sends.take('user-2')).allowed).toBe(true);
  });

  it('two processes on one shared bucket: the second is refused once the shared bucket has said no, until its retry time', async () => {
    const clock = new ManualClock(1_000_000);
    const shared = createMemoryLimitStore({ clock });
    const a = createLocalFirstBucket({ ratePerSec: 5, burst: 5, shared, clock });
    const b = createLocalFirstBucket({ ratePerSec: 5, burst: 5, shared, clock });
    for (let i = 0; i < 5; i++) expect((await a.take('user-1')).allowed).toBe(true);
    await settled();
    // b's own bucket is full: its first take goes through before the shared answer comes back (the margin of one round trip).
    expect((await b.take('user-1')).allowed).toBe(true);
    await settled();
    const refused = await b.take('user-1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(200);
    clock.advance(200);
    expect((await b.take('user-1')).allowed).toBe(true);
  });

  it('a shared store that fails is reported, and the process limits the key on its own', async () => {
    const clock = new ManualClock(1_000_000);
    const failing: LimitStore = { ...createMemoryLimitStore({ clock }), takeTokens: () => Promise.reject(errors.unavailable('redis')) };
    const seen: unknown[] = [];
    const sends = createLocalFirstBucket({ ratePerSec: 2, burst: 2, shared: failing, clock, onSharedError: (err) => seen.push(err) });
    expect((await sends.take('user-1')).allowed).toBe(true);
    expect((await sends.take('user-1')).allowed).toBe(true);
    expect((await sends.take('user-1')).allowed).toBe(false);
    await settled();
    expect(seen).toHaveLength(2);
  });

  it('remembers at most maxKeys keys', async () => {
    const clock = new ManualClock(1_000_000);
    const shared = createMemoryLimitStore({ clock });
    const sends = createLocalFirstBucket({ ratePerSec: 1, burst: 1, shared, clock, maxKeys: 10 });
    for (let i = 0; i < 100; i++) expect((await sends.take(`user-${i}`)).allowed).toBe(true);
    // user-0's bucket was dropped here (a full bucket again); the shared bucket still holds its take and refuses.
    expect((await sends.take('user-0')).allowed).toBe(true);
    await settled();
    expect((await sends.take('user-0')).allowed).toBe(false);
  });
});

const hasRedis = await requireServer(servers.redis);
const prefix = `surge-test:local-first:${randomUUID()}:`;

describe.skipIf(!hasRedis)('local-first bucket on Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis({ host: servers.redis.host, port: servers.redis.port, name: 'surge-local-first-test' });
    await redisReady(redis);
  });
  afterAll(async () => {
    await dropRedisKeys(redis, prefix);
    redis.disconnect();
  });

  it('two processes, 10 takes each at once, 5 a second shared: at most 5 plus one round trip’s takes pass, and later ones are refused on both', async () => {
    const clock = new ManualClock(Date.now());
    const store = () => createRedisLimitStore({ redis, keyPrefix: prefix, fallback: false, clock });
    const a = createLocalFirstBucket({ ratePerSec: 5, burst: 5, shared: store(), clock });
    const b = createLocalFirstBucket({ ratePerSec: 5, burst: 5, shared: store(), clock });
    const first = await Promise.all([...Array.from({ length: 10 }, () => a.take('user-1')), ...Array.from({ length: 10 }, () => b.take('user-1'))]);
    // Each process lets its own burst through before any shared answer is back: 10 of 20, never more.
    expect(first.filter((t) => t.allowed)).toHaveLength(10);
    // Once the shared bucket's answers are in, both refuse.
    await expect.poll(async () => [(await a.take('user-1')).allowed, (await b.take('user-1')).allowed]).toEqual([false, false]);
  });
});
