// The relation service through its handlers, on SQLite and (when reachable) MariaDB, with a real
// outbox relaying to a memory queue: follows are idempotent under concurrency and publish one
// event per change; lists, friends and flags read back what was written, through the cache.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createCache, createMemoryCacheStore } from '#kit/cache';
import { ManualClock, systemClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createOutbox } from '#kit/outbox';
import { createMemoryQueue } from '#kit/queue';
import { createCallContext } from '#kit/rpc';
import { rejectionOf, testDatabases } from '#kit/testing';
import { defineRelationService, MAX_IDS_PER_BATCH, RELATION_FOLLOWED, relationMigrations, type RelationDB, type RelationFollowed } from './index.js';

const ctx = createCallContext({ clock: systemClock });
const log = pino({ level: 'silent' });

const refusedField = async (p: Promise<unknown>): Promise<string> => String((await rejectionOf(p, Code.InvalidArgument)).details?.field);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`relation service on ${kind.name}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
      await kind.cleanup();
    });

    async function setup() {
      const db = await kind.open<RelationDB>('relation', relationMigrations);
      const clock = new ManualClock();
      const queue = createMemoryQueue();
      const events: RelationFollowed[] = [];
      const sub = await queue.subscribe<RelationFollowed>(RELATION_FOLLOWED, 'test', async (m) => void events.push(m.data));
      // A long poll: events in these tests reach the queue through flush() after each commit.
      const outbox = createOutbox({ db, queue, clock: systemClock, log, pollMs: 60_000 });
      // A shared store behind the local tier, as with Redis: cached values survive a local miss.
      const cache = createCache({ store: createMemoryCacheStore() });
      cleanups.push(() => queue.close(), () => outbox.close(), () => sub.close(), () => cache.close());
      const svc = defineRelationService({ db, cache, clock, outbox });
      /** Waits until the outbox is empty and the queue delivered what it held, then a little more for strays. */
      const settled = async (count: number) => {
        await waitFor(() => events.length >= count);
        outbox.flush();
        await sleep(30);
        expect(await db.db.selectFrom('surge_outbox').select('id').execute()).toEqual([]);
        return events;
      };
      return { db, clock, svc, events, settled };
    }

    it('refuses bad input, naming the field', async () => {
      const { svc } = await setup();
      expect(await refusedField(svc.follow({ followerId: 0, followeeId: 2, follow: true }, ctx))).toBe('follower_id');
      expect(await refusedField(svc.follow({ followerId: 1, followeeId: -2, follow: true }, ctx))).toBe('followee_id');
      await expect(svc.follow({ followerId: 3, followeeId: 3, follow: true }, ctx)).rejects.toThrow('followee_id: you cannot follow yourself');
      expect(await refusedField(svc.listFollowing({ userId: 0, limit: 10 }, ctx))).toBe('user_id');
      expect(await refusedField(svc.listFollowers({ userId: 1, limit: -1 }, ctx))).toBe('limit');
      expect(await refusedField(svc.listFriends({ userId: -1, limit: 0 }, ctx))).toBe('user_id');
      expect(await refusedField(svc.isFollowing({ userId: -1, targetIds: [2] }, ctx))).toBe('user_id');
      expect(await refusedField(svc.isFollowing({ userId: 1, targetIds: [2, 0] }, ctx))).toBe('target_ids');
    });

    it('50 concurrent follows of one user by one user: one row, one event, one changed', async () => {
      const { db, svc, settled } = await setup();
      const replies = await Promise.all(Array.from({ length: 50 }, () => svc.follow({ followerId: 1, followeeId: 2, follow: true }, ctx)));
      expect(replies.filter((r) => r.changed)).toHaveLength(1);
      expect(await db.db.selectFrom('follows').selectAll().execute()).toHaveLength(1);
      expect(await settled(1)).toEqual([{ followerId: 1, followeeId: 2, delta: 1 }]);
    });

    it('50 concurrent unfollows after a follow: one change, one -1 event', async () => {
      const { db, svc, settled } = await setup();
      await svc.follow({ followerId: 1, followeeId: 2, follow: true }, ctx);
      const replies = await Promise.all(Array.from({ length: 50 }, () => svc.follow({ followerId: 1, followeeId: 2, follow: false }, ctx)));
      expect(replies.filter((r) => r.changed)).toHaveLength(1);
      expect(await db.db.selectFrom('follows').selectAll().execute()).toEqual([]);
      // The queue promises no order: compare as a set.
      const events = await settled(2);
      expect(events).toHaveLength(2);
      expect(events).toContainEqual({ followerId: 1, followeeId: 2, delta: 1 });
      expect(events).toContainEqual({ followerId: 1, followeeId: 2, delta: -1 });
    });

    it('unfollowing someone not followed changes nothing and publishes nothing', async () => {
      const { svc, settled } = await setup();
      expect(await svc.follow({ followerId: 4, followeeId: 5, follow: false }, ctx)).toEqual({ changed: false });
      expect(await settled(0)).toEqual([]);
    });

    it('lists following and followers most recent first, honouring the limit', async () => {
      const { svc, clock } = await setup();
      for (const followee of [20, 30, 40]) {
        await svc.follow({ followerId: 10, followeeId: followee, follow: true }, ctx);
        clock.advance(1000);
      }
      for (const follower of [11, 12]) {
        await svc.follow({ followerId: follower, followeeId: 30, follow: true }, ctx);
        clock.advance(1000);
      }
      expect((await svc.listFollowing({ userId: 10, limit: 0 }, ctx)).userIds).toEqual([40, 30, 20]);
      expect((await svc.listFollowing({ userId: 10, limit: 2 }, ctx)).userIds).toEqual([40, 30]);
      expect((await svc.listFollowers({ userId: 30, limit: 0 }, ctx)).userIds).toEqual([12, 11, 10]);
      expect((await svc.listFollowers({ userId: 99, limit: 0 }, ctx)).userIds).toEqual([]);
      // The cached lists follow the writes.
      await svc.follow({ followerId: 10, followeeId: 30, follow: false }, ctx);
      await svc.follow({ followerId: 10, followeeId: 50, follow: true }, ctx);
      expect((await svc.listFollowing({ userId: 10, limit: 0 }, ctx)).userIds).toEqual([50, 40, 20]);
      expect((await svc.listFollowers({ userId: 30, limit: 0 }, ctx)).userIds).toEqual([12, 11]);
    });

    it('friends are only mutual follows, most recently followed first, and change with either side', async () => {
      const { svc, clock } = await setup();
      const f = (a: number, b: number, follow = true) => svc.follow({ followerId: a, followeeId: b, follow }, ctx);
      await f(1, 2); // mutual
      clock.advance(10);
      await f(1, 3); // one way only
      clock.advance(10);
      await f(4, 1); // the other way only
      clock.advance(10);
      await f(1, 5); // mutual, followed later by 1
      await f(2, 1);
      await f(5, 1);
      const friends = async (u: number) => (await svc.listFriends({ userId: u, limit: 0 }, ctx)).userIds;
      expect(await friends(1)).toEqual([5, 2]);
      expect(await friends(2)).toEqual([1]);
      expect(await friends(3)).toEqual([]);
      expect(await friends(4)).toEqual([]);
      expect((await svc.listFriends({ userId: 1, limit: 1 }, ctx)).userIds).toEqual([5]);
      // 3 follows back: a friend of 1 now, on both sides, cached lists included.
      await f(3, 1);
      expect(await friends(1)).toEqual([5, 3, 2]);
      expect(await friends(3)).toEqual([1]);
      // 1 unfollows 2: no longer friends, on either side.
      await f(1, 2, false);
      expect(await friends(1)).toEqual([5, 3]);
      expect(await friends(2)).toEqual([]);
    });

    it('IsFollowing answers one flag per target, in order, and follows the writes', async () => {
      const { svc } = await setup();
      await svc.follow({ followerId: 7, followeeId: 8, follow: true }, ctx);
      await svc.follow({ followerId: 7, followeeId: 10, follow: true }, ctx);
      const flags = async (u: number, targetIds: number[]) => (await svc.isFollowing({ userId: u, targetIds }, ctx)).values;
      expect(await flags(7, [10, 9, 8, 10, 7])).toEqual([true, false, true, true, false]);
      expect(await flags(8, [7])).toEqual([false]);
      expect(await flags(0, [8, 10])).toEqual([false, false]);
      expect(await flags(7, [])).toEqual([]);
      // Cached flags (both "yes" and "no") change with the follow.
      await svc.follow({ followerId: 7, followeeId: 9, follow: true }, ctx);
      await svc.follow({ followerId: 7, followeeId: 8, follow: false }, ctx);
      expect(await flags(7, [10, 9, 8])).toEqual([true, true, false]);
      const many = Array.from({ length: MAX_IDS_PER_BATCH }, (_, i) => 1000 - i);
      const values = await flags(7, many);
      expect(values).toHaveLength(MAX_IDS_PER_BATCH);
      expect(many.filter((_, i) => values[i])).toEqual([10, 9]);
      expect(await refusedField(svc.isFollowing({ userId: 7, targetIds: [...many, 1001] }, ctx))).toBe('target_ids');
    });

    it('a follow, unfollow and follow again publish +1, -1, +1', async () => {
      const { svc, settled } = await setup();
      for (const follow of [true, true, false, false, true]) await svc.follow({ followerId: 21, followeeId: 22, follow }, ctx);
      expect((await settled(3)).map((e) => e.delta).sort()).toEqual([-1, 1, 1]);
    });

    it('serves reads from the cache, and a follow through the service drops exactly what it changed', async () => {
      const { db, svc, clock } = await setup();
      await svc.follow({ followerId: 31, followeeId: 32, follow: true }, ctx);
      const read = async () => ({
        following: (await svc.listFollowing({ userId: 31, limit: 0 }, ctx)).userIds,
        followers: (await svc.listFollowers({ userId: 33, limit: 0 }, ctx)).userIds,
        flags: (await svc.isFollowing({ userId: 31, targetIds: [32, 33] }, ctx)).values,
      });
      expect(await read()).toEqual({ following: [32], followers: [], flags: [true, false] });
      // A row written behind the service's back is not seen: the answers come from the cache.
      clock.advance(10);
      await db.db.insertInto('follows').values({ follower_id: 31, followee_id: 33, created_at: clock.now() }).execute();
      expect(await read()).toEqual({ following: [32], followers: [], flags: [true, false] });
      // A change through the service invalidates the keys of its pair, so the row above shows up too.
      await db.db.deleteFrom('follows').where('follower_id', '=', 31).where('followee_id', '=', 33).execute();
      await svc.follow({ followerId: 31, followeeId: 33, follow: true }, ctx);
      expect(await read()).toEqual({ following: [33, 32], followers: [31], flags: [true, true] });
    });
  });
}
