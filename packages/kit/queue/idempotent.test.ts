import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { requireServer, servers } from '#kit/testing';
import { createMemoryDedupStore, createMemoryQueue, createRedisDedupStore, idempotent, type DedupStore, type QueueMessage } from './index.js';
import { waitFor } from './queue.suite.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const msg = (data: string, attempt = 1): QueueMessage<string> =>
  ({ id: `id-${data}`, topic: 'video.liked', data, headers: {}, attempt, publishedAt: 0 });

/** The idempotent helper's behaviour, against one DedupStore adapter. */
function dedupSuite(name: string, makeStore: () => DedupStore, expire: (ms: number) => Promise<void>) {
  describe(`idempotent over ${name}`, () => {
    let n = 0;
    const key = () => `${name}-${Date.now()}-${++n}`;

    it('runs the handler once for the same message delivered 3 times', async () => {
      let runs = 0;
      const k = key();
      const h = idempotent<string>(async () => void runs++, { store: makeStore(), key: () => k });
      for (let i = 0; i < 3; i++) await h(msg('a', i + 1));
      expect(runs).toBe(1);
    });

    it('runs it once when the deliveries are concurrent; the others ask to be retried, then see it done', async () => {
      let runs = 0;
      const k = key();
      const h = idempotent<string>(async () => {
        runs++;
        await sleep(30);
      }, { store: makeStore(), key: () => k });
      const results = await Promise.allSettled([h(msg('a')), h(msg('a')), h(msg('a'))]);
      expect(runs).toBe(1);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: Code.FailedPrecondition });
      await h(msg('a', 2)); // the retry of a rejected one
      expect(runs).toBe(1);
    });

    it('lets the next delivery run it when the first run failed', async () => {
      let runs = 0;
      let ok = 0;
      const k = key();
      const h = idempotent<string>(async () => {
        if (++runs === 1) throw new Error('db down');
        ok++;
      }, { store: makeStore(), key: () => k });
      await expect(h(msg('a'))).rejects.toThrow('db down');
      await h(msg('a', 2));
      await h(msg('a', 3));
      expect([runs, ok]).toEqual([2, 1]);
    });

    it('runs again once the done mark has expired', async () => {
      let runs = 0;
      const k = key();
      const h = idempotent<string>(async () => void runs++, { store: makeStore(), key: () => k, ttlMs: 50 });
      await h(msg('a'));
      await h(msg('a'));
      await expire(60);
      await h(msg('a'));
      expect(runs).toBe(2);
    });

    it('release removes only the caller\'s own claim', async () => {
      const store = makeStore();
      const k = key();
      expect(await store.claim(k, 'first', 50)).toBe('claimed');
      expect(await store.claim(k, 'second', 50)).toBe('running');
      await expire(60); // the first run was too slow: its claim lapsed and another delivery took the key
      expect(await store.claim(k, 'second', 10_000)).toBe('claimed');
      await store.release(k, 'first');
      expect(await store.claim(k, 'third', 10_000)).toBe('running');
      await store.release(k, 'second');
      expect(await store.claim(k, 'third', 10_000)).toBe('claimed');
    });
  });
}

const clock = new ManualClock();
dedupSuite('memory store', () => createMemoryDedupStore({ clock }), async (ms) => clock.advance(ms));

const hasRedis = await requireServer(servers.redis);
describe.skipIf(!hasRedis)('redis dedup store', () => {
  const redis = new Redis({ host: servers.redis.host, port: servers.redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  const prefix = `surge-test:dedup:${process.pid}:${Date.now()}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`); // only this run's keys
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  dedupSuite('redis store', () => createRedisDedupStore({ client: redis, prefix }), sleep);

  it('says Unavailable naming redis when Redis does not answer', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    const store = createRedisDedupStore({ client: down });
    await expect(store.claim('k', 't', 1000)).rejects.toMatchObject({ code: Code.Unavailable, details: { dependency: 'redis' } });
    down.disconnect();
  });
});

describe('idempotent consumer on a queue', () => {
  it('handles a like once although the publisher sent it three times under different ids', async () => {
    const q = createMemoryQueue();
    let counted = 0;
    await q.subscribe<{ likeId: string }>('video.liked', 'counter', idempotent(async () => void counted++, {
      store: createMemoryDedupStore(),
      key: (m) => `like:${m.data.likeId}`,
    }));
    for (let i = 0; i < 3; i++) await q.publish('video.liked', { likeId: 'u1-v9' });
    await sleep(50);
    expect(counted).toBe(1);
    await q.close();
  });

  it('a failed first run is redone by the queue\'s retry', async () => {
    const q = createMemoryQueue();
    const attempts: number[] = [];
    let done = 0;
    await q.subscribe('video.liked', 'counter', idempotent(async (m) => {
      attempts.push(m.attempt);
      if (m.attempt === 1) throw new Error('db down');
      done++;
    }, { store: createMemoryDedupStore(), key: (m) => m.id }), { backoffMs: [10] });
    await q.publish('video.liked', { likeId: 'x' });
    await waitFor(() => done === 1);
    expect(attempts).toEqual([1, 2]);
    await q.close();
  });

  it('rejects missing options naming them', () => {
    expect(() => idempotent(async () => undefined, { store: createMemoryDedupStore(), key: undefined as never }))
      .toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field: 'key' } }));
  });
});
