// Each instance's own copy of the category lists (list-store-local.ts): answered without asking
// the shared store until it expires, and dropped by every bump heard, also one heard while it was
// being filled; a gap in the feed drops everything. On real Redis, a bump by one instance reaches
// another instance's copy through pub/sub.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { connectRedis, redisReady, type Redis } from '#kit/redis';
import { dropRedisKeys, requireServer, servers } from '#kit/testing';
import { redisBumpFeed } from './model/list-bumps-redis.js';
import type { CachedSlice, ListRef, ListStore } from './model/list-entries.js';
import { withLocalTier, type BumpFeed } from './model/list-store-local.js';
import { createListStore } from './model/list-store.js';
import { createMemoryListStore } from './model/list-store-memory.js';

const list: ListRef = { categoryId: 7, order: 'newest' };
const slice = (...ids: number[]): CachedSlice => ({ entries: ids.map((id) => ({ id, keys: [1000 - id] })), complete: true });
const idsOf = (read: Awaited<ReturnType<ListStore['read']>>) => read.cached?.entries.map((e) => e.id);

/** A feed the test drives: bump() and gap() as the Redis subscription would report them. */
function manualFeed() {
  let onBump: (ids: readonly number[]) => void = () => {};
  let onGap: () => void = () => {};
  const feed: BumpFeed = {
    subscribe(b, g) {
      onBump = b;
      onGap = g;
      return { close: async () => {} };
    },
  };
  return { feed, bump: (...ids: number[]) => onBump(ids), gap: () => onGap() };
}

/** The shared store, counting its reads; `pause` holds the next read until released. */
function countedShared(clock: ManualClock) {
  const inner = createMemoryListStore(clock);
  let reads = 0;
  let hold: Promise<void> | undefined;
  const store: ListStore = {
    async read(l, from, count) {
      reads++;
      const answer = await inner.read(l, from, count);
      if (hold) await hold;
      return answer;
    },
    write: (l, g, s, ttl) => inner.write(l, g, s, ttl),
    bump: (ids) => inner.bump(ids),
  };
  return {
    store,
    reads: () => reads,
    pause() {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

describe('the local tier of the category lists', () => {
  function setup() {
    const clock = new ManualClock(1_000_000);
    const shared = countedShared(clock);
    const feed = manualFeed();
    const tier = withLocalTier(shared.store, { size: 100, ttlMs: 5000, clock, feed: feed.feed });
    return { clock, shared, feed, tier };
  }

  it('answers from its copy until the copy expires, pages after a cursor included', async () => {
    const { clock, shared, tier } = setup();
    await shared.store.write(list, 0, slice(1, 2, 3, 4), 60_000);
    expect(idsOf(await tier.read(list, undefined, 2))).toEqual([1, 2]);
    expect(shared.reads()).toBe(1);
    expect(idsOf(await tier.read(list, { keys: [1000 - 2], id: 2 }, 5))).toEqual([3, 4]);
    expect((await tier.read(list, undefined, 2)).cached?.complete).toBe(true);
    expect(shared.reads()).toBe(1);
    clock.advance(5000);
    expect(idsOf(await tier.read(list, undefined, 2))).toEqual([1, 2]);
    expect(shared.reads()).toBe(2);
  });

  it('a bump heard drops the copies of its categories in every order, and its own bump too', async () => {
    const { shared, feed, tier } = setup();
    await shared.store.write(list, 0, slice(1, 2), 60_000);
    await tier.read(list, undefined, 10);
    await shared.store.bump([7]);
    await shared.store.write(list, 1, slice(9, 1, 2), 60_000);
    // Not heard yet: the copy still answers (what the TTL and the feed bound).
    expect(idsOf(await tier.read(list, undefined, 10))).toEqual([1, 2]);
    feed.bump(7);
    const after = await tier.read(list, undefined, 10);
    expect(idsOf(after)).toEqual([9, 1, 2]);
    expect(after.generation).toBe(1);
    await tier.bump([7]);
    expect((await tier.read(list, undefined, 10)).cached).toBeUndefined();
  });

  it('a fill that a bump overtakes answers its caller but keeps nothing', async () => {
    const { shared, feed, tier } = setup();
    await shared.store.write(list, 0, slice(1, 2), 60_000);
    const release = shared.pause();
    const filling = tier.read(list, undefined, 10);
    await new Promise((r) => setImmediate(r));
    feed.bump(7);
    release();
    expect(idsOf(await filling)).toEqual([1, 2]);
    await tier.read(list, undefined, 10);
    expect(shared.reads()).toBe(2);
  });

  it('a gap in the feed drops every copy, and a fill across it keeps nothing', async () => {
    const { shared, feed, tier } = setup();
    await shared.store.write(list, 0, slice(1, 2), 60_000);
    await shared.store.write({ categoryId: 8, order: 'sales' }, 0, slice(5), 60_000);
    await tier.read(list, undefined, 10);
    await tier.read({ categoryId: 8, order: 'sales' }, undefined, 10);
    feed.gap();
    await tier.read(list, undefined, 10);
    await tier.read({ categoryId: 8, order: 'sales' }, undefined, 10);
    expect(shared.reads()).toBe(4);
    feed.gap();
    const release = shared.pause();
    const filling = tier.read(list, undefined, 10);
    await new Promise((r) => setImmediate(r));
    feed.gap();
    release();
    await filling;
    await tier.read(list, undefined, 10);
    expect(shared.reads()).toBe(6);
  });

  it('keeps no copy of a list the shared store does not hold (a miss goes to the backfill)', async () => {
    const { shared, tier } = setup();
    expect((await tier.read(list, undefined, 10)).cached).toBeUndefined();
    expect((await tier.read(list, undefined, 10)).cached).toBeUndefined();
    expect(shared.reads()).toBe(2);
  });
});

const hasRedis = await requireServer(servers.redis);
describe.skipIf(!hasRedis)('the local tier of the category lists on Redis', () => {
  const prefix = `surge-test:list-local:${randomUUID()}:`;
  const opened: Redis[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
    if (opened[0]) await dropRedisKeys(opened[0], prefix);
    for (const r of opened) r.disconnect();
  });

  async function instance() {
    const redis = connectRedis({ host: servers.redis.host, port: servers.redis.port });
    opened.push(redis);
    await redisReady(redis);
    const clock = new ManualClock(Date.now());
    const store = createListStore({ redis, keyPrefix: prefix, clock, local: { ttlMs: 60_000, size: 100, feed: redisBumpFeed(redis, prefix) } });
    closers.push(() => store.close());
    return store;
  }

  it("another instance's bump reaches this instance's copy through pub/sub", async () => {
    const reader = await instance();
    const writer = await instance();
    await writer.write(list, 0, slice(1, 2), 60_000);
    expect(idsOf(await reader.read(list, undefined, 10))).toEqual([1, 2]);
    // The reader's clock never moves, so its copy (kept 60 s) can only be dropped by a bump it
    // hears. Its subscription may not be up for the first bumps: bump until one is heard.
    let seen: number[] | undefined = [1, 2];
    for (let generation = 1; generation <= 200 && seen?.length === 2; generation++) {
      await writer.bump([7]);
      await writer.write(list, generation, slice(100 + generation, 1, 2), 60_000);
      await new Promise((r) => setTimeout(r, 10));
      seen = idsOf(await reader.read(list, undefined, 10));
    }
    // Newest first: ids 1 and 2 carry the later times, then the one added.
    expect(seen).toHaveLength(3);
    expect(seen!.slice(0, 2)).toEqual([1, 2]);
    expect(seen![2]).toBeGreaterThan(100);
  });
});
