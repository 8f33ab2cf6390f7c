// The feed service through its contract, on SQLite and (when reachable) MariaDB, with its real
// consumers on a memory queue and the real relation service: push to followers, pull above the
// push limit, the merge paged without gaps or repeats, crossing the limit both ways, backfill on
// follow, removal on unfollow and delete, and redeliveries that change nothing.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { FeedItem } from '#gen/surge/feed/v1/feed';
import { BACKFILL } from './rules.js';
import { feedFixturesOn } from './testing/fixture.js';

const ids = (items: readonly FeedItem[]) => items.map((i) => i.articleId);
const newestFirst = (items: readonly FeedItem[]) => ids([...items].sort((a, b) => b.createdAt - a.createdAt || b.articleId - a.articleId));

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`feed service on ${kind.name}`, () => {
    const open = feedFixturesOn(kind);

    /** `count` followers (ids from `first`) of `author`. */
    const followers = async (f: Awaited<ReturnType<typeof open>>, author: number, first: number, count: number) => {
      for (let i = 0; i < count; i++) await f.follow(first + i, author);
    };

    it('pushes an ordinary author’s article to each follower’s inbox, and to no one else', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 3);
      const article = await f.publish(100);
      expect(await f.inboxRows()).toBe(3);
      for (const user of [1, 2, 3]) expect((await f.feed.feed({ userId: user, cursor: '', limit: 0 })).items).toEqual([article]);
      expect(await f.feed.feed({ userId: 9, cursor: '', limit: 0 })).toEqual({ items: [], nextCursor: '', isEnd: true });
    });

    it('pulls a big author’s article at read time: no inbox rows, every follower sees it, no one else', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 200, 1, 4);
      const article = await f.publish(200);
      expect(await f.inboxRows()).toBe(0);
      for (const user of [1, 2, 3, 4]) expect((await f.feed.feed({ userId: user, cursor: '', limit: 0 })).items).toEqual([article]);
      expect((await f.feed.feed({ userId: 9, cursor: '', limit: 0 })).items).toEqual([]);
    });

    it('merges pushed and pulled articles newest first, paged without gaps or repeats at every page size', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 2); // ordinary: pushed
      await followers(f, 200, 1, 4); // big: pulled
      await followers(f, 300, 1, 4); // big too
      const published: FeedItem[] = [];
      for (let i = 0; i < 21; i++) published.push(await f.publish([100, 200, 300][i % 3]!));
      const expected = newestFirst(published);
      for (const limit of [1, 2, 3, 5, 7, 20, 50]) {
        const pages = await f.readAll(1, limit);
        expect(ids(pages.flat()), `limit ${limit}`).toEqual(expected);
        expect(pages.slice(0, -1).every((p) => p.length === limit), `limit ${limit}`).toBe(true);
      }
      // User 3 follows only the big authors: their 14 articles, pulled.
      expect(ids((await f.readAll(3, 4)).flat())).toEqual(newestFirst(published.filter((a) => a.authorId !== 100)));
    });

    it('stays exact when an author grows past the push limit and shrinks back: every article once', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 3);
      const early = [await f.publish(100), await f.publish(100)]; // pushed to 1–3
      await f.follow(4, 100); // 4 followers: big now; 4 is backfilled with the two pushed
      const late = [await f.publish(100), await f.publish(100)]; // pulled
      const all = newestFirst([...early, ...late]);
      for (const user of [1, 2, 3, 4]) expect(ids((await f.readAll(user, 1)).flat()), `user ${user}`).toEqual(all);
      await f.follow(4, 100, false); // 3 again: pushed again
      const after = await f.publish(100);
      for (const user of [1, 2, 3]) expect(ids((await f.readAll(user, 2)).flat()), `user ${user}`).toEqual(newestFirst([...early, ...late, after]));
      expect((await f.feed.feed({ userId: 4, cursor: '', limit: 0 })).items).toEqual([]);
    });

    it(`gives a new follower the author’s newest ${BACKFILL} articles`, async () => {
      const f = await open({ pushLimit: 3 });
      const published: FeedItem[] = [];
      for (let i = 0; i < BACKFILL + 5; i++) published.push(await f.publish(100));
      await f.follow(1, 100);
      expect(ids((await f.readAll(1, 50)).flat())).toEqual(newestFirst(published).slice(0, BACKFILL));
    });

    it('takes an author’s articles out of the feed on unfollow, pushed and pulled alike', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 2);
      await followers(f, 200, 1, 4);
      const published = [await f.publish(100), await f.publish(200)];
      await f.follow(1, 100, false);
      await f.follow(1, 200, false);
      expect((await f.feed.feed({ userId: 1, cursor: '', limit: 0 })).items).toEqual([]);
      expect(await f.inboxRows()).toBe(1); // user 2's
      expect(ids((await f.feed.feed({ userId: 2, cursor: '', limit: 0 })).items)).toEqual(newestFirst(published));
    });

    it('takes a deleted article out of every feed, pushed or pulled', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 2);
      await followers(f, 200, 1, 4);
      const [pushed, pulled, stays] = [await f.publish(100), await f.publish(200), await f.publish(100)];
      await f.remove(pushed);
      await f.remove(pulled);
      for (const user of [1, 2]) expect((await f.feed.feed({ userId: user, cursor: '', limit: 0 })).items).toEqual([stays]);
      expect(await f.inboxRows()).toBe(2);
    });

    it('changes nothing when an event is delivered again', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 2);
      const article = await f.publish(100);
      await f.events.published(article);
      await f.events.published(article);
      expect(await f.inboxRows()).toBe(2);
      // A follow delivered again under its key: counted once, backfilled once.
      const key = 'feed:redelivered';
      await f.events.followed(key, { followerId: 3, followeeId: 100, delta: 1 });
      await f.events.followed(key, { followerId: 3, followeeId: 100, delta: 1 });
      const counts = await f.db.db.selectFrom('follower_counts').select(['author_id', 'follower_count']).execute();
      expect(counts.map((c) => [Number(c.author_id), Number(c.follower_count)])).toEqual([[100, 3]]); // once; 3 does not follow in the relation service, so nothing is backfilled…
      expect(await f.inboxRows()).toBe(2);
      // An unfollow delivered twice takes one off; applied after a re-follow (1 follows again in
      // the relation service), it leaves 1's rows, which the re-follow's backfill put there.
      const count = async () => Number((await f.db.db.selectFrom('follower_counts').select('follower_count').executeTakeFirstOrThrow()).follower_count);
      await f.events.followed('feed:gone', { followerId: 1, followeeId: 100, delta: -1 });
      await f.events.followed('feed:gone', { followerId: 1, followeeId: 100, delta: -1 });
      expect(await count()).toBe(2);
      expect((await f.feed.feed({ userId: 1, cursor: '', limit: 0 })).items).toEqual([article]);
      await f.follow(1, 100, false);
      expect(await count()).toBe(1);
      expect((await f.feed.feed({ userId: 1, cursor: '', limit: 0 })).items).toEqual([]);
    });

    it('puts nothing back when a publish is delivered after the delete, or the delete comes first', async () => {
      const f = await open({ pushLimit: 3 });
      await followers(f, 100, 1, 2);
      await followers(f, 200, 1, 4);
      const [pushed, pulled] = [await f.publish(100), await f.publish(200)];
      await f.remove(pushed);
      await f.remove(pulled);
      await f.events.published(pushed);
      await f.events.published(pulled);
      // Never published here before its delete: the delete's tombstone stops the late publish.
      const early = { articleId: 999, authorId: 100, createdAt: pushed.createdAt + 10 };
      await f.events.deleted({ articleId: early.articleId, authorId: early.authorId });
      await f.events.published(early);
      expect(await f.inboxRows()).toBe(0);
      for (const user of [1, 2]) expect((await f.feed.feed({ userId: user, cursor: '', limit: 0 })).items).toEqual([]);
      // Nor in a new follower's backfill.
      await f.follow(7, 100);
      expect((await f.feed.feed({ userId: 7, cursor: '', limit: 0 })).items).toEqual([]);
    });

    it.each([
      ['user_id 0', { userId: 0, cursor: '', limit: 0 }, 'user_id'],
      ['a negative user_id', { userId: -5, cursor: '', limit: 0 }, 'user_id'],
      ['a negative limit', { userId: 1, cursor: '', limit: -1 }, 'limit'],
      ['a cursor that is not one', { userId: 1, cursor: 'not a cursor', limit: 0 }, 'cursor'],
      ['another list’s cursor', { userId: 1, cursor: Buffer.from('newest.1.2').toString('base64url'), limit: 0 }, 'cursor'],
      ['an overlong cursor', { userId: 1, cursor: 'a'.repeat(201), limit: 0 }, 'cursor'],
    ])('refuses %s, naming the field', async (_name, req, field) => {
      const f = await open();
      expect((await rejectionOf(f.feed.feed(req), Code.InvalidArgument)).details?.field).toBe(field);
    });
  });
}
