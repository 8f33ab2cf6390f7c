// Profile counters from events, on SQLite and MariaDB: each event counts once however often it
// is delivered, concurrent events all count, counters end exact in whatever order the events
// arrive and are never shown below zero, and a cached profile shows the new counts.
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createCache } from '#kit/cache';
import { systemClock } from '#kit/clock';
import { bytesCodec, createMemoryQueue, deadLetterHeader, type QueueMessage, type Topic } from '#kit/queue';
import { seededRandom, testDatabases } from '#kit/testing';
import { FAVORITED } from '../interaction/events.js';
import { RELATION_FOLLOWED } from '../relation/events.js';
import { VIDEO_PUBLISHED } from '../video/events.js';
import { startUserConsumers } from './consumers.js';
import { userMigrations } from './model/migrations.js';
import type { UserDB } from './model/tables.js';
import { createUserModel } from './model/users.js';

const log = pino({ level: 'silent' });

const waitFor = async (cond: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting for the counters');
    await new Promise((r) => setTimeout(r, 10));
  }
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`user counters from events on ${kind.name}`, () => {
    const closers: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of closers.reverse()) await c();
      await kind.cleanup();
    });

    const setup = async () => {
      const db = await kind.open<UserDB>('user', userMigrations);
      const cache = createCache({ name: 'user', store: undefined, local: { maxEntries: 1000, ttlMs: 60_000 }, clock: systemClock });
      const queue = createMemoryQueue();
      const consumers = await startUserConsumers({ db, cache, queue, clock: systemClock, log });
      closers.push(() => queue.close(), () => consumers.close(), () => cache.close());
      const users = createUserModel(db, cache);
      for (const id of [1, 2, 3]) await users.insert({ id, username: `u${id}`, password_hash: null, mobile_enc: null, mobile_idx: null, name: `u${id}`, avatar: '', signature: '', created_at: 1 });
      return { queue, users, db, cache };
    };

    it('counts works, likes given and received, and follows', async () => {
      const { queue, users } = await setup();
      expect((await users.profile(2))?.workCount).toBe(0); // cached before the events
      await queue.publish(VIDEO_PUBLISHED, { videoId: 10, authorId: 2 }, { dedupKey: 'e1' });
      await queue.publish(FAVORITED, { userId: 1, videoId: 10, authorId: 2, delta: 1 }, { dedupKey: 'e2' });
      await queue.publish(RELATION_FOLLOWED, { followerId: 1, followeeId: 2, delta: 1 }, { dedupKey: 'e3' });
      await waitFor(async () => (await users.profile(1))?.followCount === 1 && (await users.profile(2))?.totalFavorited === 1 && (await users.profile(2))?.workCount === 1);
      expect(await users.profile(1)).toMatchObject({ followCount: 1, favoriteCount: 1, followerCount: 0, workCount: 0, totalFavorited: 0 });
      expect(await users.profile(2)).toMatchObject({ followerCount: 1, totalFavorited: 1, workCount: 1, favoriteCount: 0 });
    });

    it('counts an event delivered twice (same id, e.g. relayed by two instances past the dedup window) once', async () => {
      const { queue, users, db, cache } = await setup();
      // A second delivery path into the same database: the same message id arrives on both.
      const second = createMemoryQueue();
      const consumers = await startUserConsumers({ db, cache, queue: second, clock: systemClock, log });
      closers.push(() => second.close(), () => consumers.close());
      const event = { followerId: 3, followeeId: 2, delta: 1 };
      await Promise.all([queue.publish(RELATION_FOLLOWED, event, { dedupKey: 'twice' }), second.publish(RELATION_FOLLOWED, event, { dedupKey: 'twice' })]);
      await queue.publish(VIDEO_PUBLISHED, { videoId: 12, authorId: 3 }, { dedupKey: 'marker' });
      await waitFor(async () => (await users.profile(3))?.workCount === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect((await users.profile(2))?.followerCount).toBe(1);
      expect((await users.profile(3))?.followCount).toBe(1);
    });

    it('applies 50 concurrent like events, every one', async () => {
      const { queue, users } = await setup();
      await Promise.all(Array.from({ length: 50 }, (_, i) => queue.publish(FAVORITED, { userId: 3, videoId: 100 + i, authorId: 2, delta: 1 }, { dedupKey: `like-${i}` })));
      await waitFor(async () => (await users.profile(2))?.totalFavorited === 50);
      expect((await users.profile(3))?.favoriteCount).toBe(50);
    });

    it('never counts below zero', async () => {
      const { queue, users } = await setup();
      await queue.publish(RELATION_FOLLOWED, { followerId: 3, followeeId: 1, delta: -1 }, { dedupKey: 'u1' });
      await queue.publish(VIDEO_PUBLISHED, { videoId: 11, authorId: 3 }, { dedupKey: 'u2' });
      await waitFor(async () => (await users.profile(3))?.workCount === 1);
      expect(await users.profile(3)).toMatchObject({ followCount: 0 });
      expect(await users.profile(1)).toMatchObject({ followerCount: 0 });
    });
  
    it('ends exact when an unlike or unfollow is applied before its like or follow, and in the usual order', async () => {
      const { queue, users, db } = await setup();
      /** Publishes the event and waits until this group has applied it: the order of application is the order of calls. */
      const applied = async <T>(topic: Topic<T>, event: T, key: string) => {
        await queue.publish(topic, event, { dedupKey: key });
        await waitFor(async () => (await db.db.selectFrom('surge_applied_events').select('id').where('id', '=', `user:${key}`).executeTakeFirst()) !== undefined);
      };
      await applied(FAVORITED, { userId: 1, videoId: 10, authorId: 2, delta: -1 }, 'unlike-first');
      await applied(RELATION_FOLLOWED, { followerId: 1, followeeId: 2, delta: -1 }, 'unfollow-first');
      expect(await users.profile(1)).toMatchObject({ favoriteCount: 0, followCount: 0 }); // -1 stored, 0 shown
      expect(await users.profile(2)).toMatchObject({ totalFavorited: 0, followerCount: 0 });
      await applied(FAVORITED, { userId: 1, videoId: 10, authorId: 2, delta: 1 }, 'like-second');
      await applied(RELATION_FOLLOWED, { followerId: 1, followeeId: 2, delta: 1 }, 'follow-second');
      expect(await users.profile(1)).toMatchObject({ favoriteCount: 0, followCount: 0 });
      expect(await users.profile(2)).toMatchObject({ totalFavorited: 0, followerCount: 0 });
      // The usual order, from another fan: 1 between, 0 after.
      await applied(FAVORITED, { userId: 3, videoId: 10, authorId: 2, delta: 1 }, 'like');
      await applied(RELATION_FOLLOWED, { followerId: 3, followeeId: 2, delta: 1 }, 'follow');
      expect(await users.profile(2)).toMatchObject({ totalFavorited: 1, followerCount: 1 });
      expect(await users.profile(3)).toMatchObject({ favoriteCount: 1, followCount: 1 });
      await applied(FAVORITED, { userId: 3, videoId: 10, authorId: 2, delta: -1 }, 'unlike');
      await applied(RELATION_FOLLOWED, { followerId: 3, followeeId: 2, delta: -1 }, 'unfollow');
      expect(await users.profile(2)).toMatchObject({ totalFavorited: 0, followerCount: 0 });
      expect(await users.profile(3)).toMatchObject({ favoriteCount: 0, followCount: 0 });
    });

    it('converges on the net counts for likes and follows published in a shuffled order', async () => {
      const { queue, users, db } = await setup();
      // User 3 likes videos 200..219 of user 2 and follows and unfollows user 2 and user 1; each pair
      // goes +1, -1, +1, and the odd videos (and user 1) end with one more -1: net 10 likes, one follow.
      const likes = Array.from({ length: 20 }, (_, i) => [1, -1, 1, ...(i % 2 ? [-1] : [])].map((delta) => ({ userId: 3, videoId: 200 + i, authorId: 2, delta })));
      const follows = [2, 1].map((followeeId) => [1, -1, 1, ...(followeeId === 1 ? [-1] : [])].map((delta) => ({ followerId: 3, followeeId, delta })));
      const events = [...likes.flat().map((e) => () => queue.publish(FAVORITED, e)), ...follows.flat().map((e) => () => queue.publish(RELATION_FOLLOWED, e))];
      const random = seededRandom(11);
      for (const publish of events.sort(() => random() - 0.5)) await publish();
      await waitFor(async () => (await db.db.selectFrom('surge_applied_events').select('id').execute()).length === events.length);
      expect(await users.profile(3)).toMatchObject({ favoriteCount: 10, followCount: 1 });
      expect(await users.profile(2)).toMatchObject({ totalFavorited: 10, followerCount: 1 });
      expect(await users.profile(1)).toMatchObject({ followerCount: 0 });
    });

    it('dead-letters an event without its ids on the first delivery and counts nothing from it', async () => {
      const { queue, users, db } = await setup();
      const dead: QueueMessage<Uint8Array>[] = [];
      await queue.subscribe({ name: 'relation.followed.dead', codec: bytesCodec }, 'test', async (m) => void dead.push(m));
      // The last release's JSON form, without followeeId (proto3 reads it as 0, the check refuses 0).
      await queue.publish('relation.followed', { followerId: 3, delta: 1 }, { dedupKey: 'no-followee' });
      await queue.publish({ name: 'relation.followed', codec: bytesCodec }, new Uint8Array([0x08]), { dedupKey: 'truncated' });
      await waitFor(async () => dead.length === 2);
      expect(dead.map((m) => [m.id, m.headers[deadLetterHeader.attempts]])).toEqual([
        ['no-followee', '1'],
        ['truncated', '1'],
      ]);
      expect(dead[0]!.headers[deadLetterHeader.error]).toContain('followeeId');
      expect(await users.profile(3)).toMatchObject({ followCount: 0 });
      expect(await db.db.selectFrom('surge_applied_events').select('id').execute()).toEqual([]);
    });
  });
}
