// Likes on SQLite and, when reachable, MariaDB: the row and its event commit together, only a
// change publishes, concurrent likes and unlikes of one video by one user settle on one fact
// and one event, and the reads (IsFavorite, ListFavorites) follow every change at once.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { testDatabases } from '#kit/testing';
import { MAX_IDS_PER_BATCH } from './index.js';
import { fixturesOn, type Delivered, type Fixture } from './testing/fixture.js';

/** A like of a video by `authorId`, as the video service (played by the fixture) says. */
const like = (f: Fixture, userId: number, videoId: number, authorId = 900) => {
  f.authors.set(videoId, authorId);
  return f.svc.favorite({ userId, videoId, like: true });
};
const unlike = (f: Fixture, userId: number, videoId: number) => f.svc.favorite({ userId, videoId, like: false });
const invalid = (field: string) => ({ code: Code.InvalidArgument, details: { field } });
// The queue promises no order (and the outbox relays one millisecond's rows in any order), so
// events are compared as a multiset: sorted by delta.
const byDelta = (events: Delivered[]) => events.map((e) => e.data).sort((a, b) => Number(a.delta) - Number(b.delta));

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`favorites on ${kind.name}`, () => {
    const open = fixturesOn(kind);

    describe('Favorite', () => {
      it('a like stores the row with its author and time and publishes favorited +1', async () => {
        const f = await open();
        expect(await like(f, 1, 10, 7)).toEqual({ changed: true });
        const rows = await f.db.db.selectFrom('likes').selectAll().execute();
        expect(rows.map((r) => ({ user_id: Number(r.user_id), biz: r.biz, target_id: Number(r.target_id), owner_id: Number(r.owner_id), created_at: Number(r.created_at) }))).toEqual([
          { user_id: 1, biz: 'video', target_id: 10, owner_id: 7, created_at: f.clock.now() },
        ]);
        const events = await f.settle();
        expect(events.map((e) => [e.topic, e.data])).toEqual([['interaction.favorited', { userId: 1, videoId: 10, authorId: 7, delta: 1 }]]);
        expect(await f.pendingOutboxRows()).toBe(0);
      });

      it('a second like changes nothing and records no event', async () => {
        const f = await open();
        await like(f, 1, 10);
        await f.settle();
        expect(await like(f, 1, 10)).toEqual({ changed: false });
        expect(await f.pendingOutboxRows()).toBe(0);
        expect(await f.settle()).toHaveLength(1);
      });

      it('an unlike deletes the row and publishes -1 with the author kept on the row', async () => {
        const f = await open();
        await like(f, 1, 10, 7);
        expect(await unlike(f, 1, 10)).toEqual({ changed: true });
        expect(await f.db.db.selectFrom('likes').selectAll().execute()).toEqual([]);
        const events = await f.settle();
        expect(byDelta(events)).toEqual([
          { userId: 1, videoId: 10, authorId: 7, delta: -1 },
          { userId: 1, videoId: 10, authorId: 7, delta: 1 },
        ]);
      });

      it('an unlike of a video not liked changes nothing and records no event', async () => {
        const f = await open();
        await like(f, 2, 10); // someone else's like is not touched
        await f.settle();
        expect(await unlike(f, 1, 10)).toEqual({ changed: false });
        expect(await f.pendingOutboxRows()).toBe(0);
        expect(await f.settle()).toHaveLength(1);
        expect(await f.svc.isFavorite({ userId: 2, videoIds: [10] })).toEqual({ values: [true] });
      });

      it('like, unlike, like: three events, and the video is liked', async () => {
        const f = await open();
        expect((await like(f, 1, 10)).changed).toBe(true);
        expect((await unlike(f, 1, 10)).changed).toBe(true);
        expect((await like(f, 1, 10)).changed).toBe(true);
        const events = await f.settle();
        expect(byDelta(events).map((e) => e.delta)).toEqual([-1, 1, 1]);
        expect(new Set(events.map((e) => e.id)).size).toBe(3);
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [10] })).toEqual({ values: [true] });
      });

      it('50 concurrent likes of one video by one user: one row, one changed reply, one event', async () => {
        const f = await open();
        const replies = await Promise.all(Array.from({ length: 50 }, () => like(f, 1, 10)));
        expect(replies.filter((r) => r.changed)).toHaveLength(1);
        expect(await f.db.db.selectFrom('likes').selectAll().execute()).toHaveLength(1);
        const events = await f.settle();
        expect(events.map((e) => e.data.delta)).toEqual([1]);
      });

      it('50 concurrent unlikes after one like: exactly one -1 event, no row left', async () => {
        const f = await open();
        await like(f, 1, 10);
        const replies = await Promise.all(Array.from({ length: 50 }, () => unlike(f, 1, 10)));
        expect(replies.filter((r) => r.changed)).toHaveLength(1);
        expect(await f.db.db.selectFrom('likes').selectAll().execute()).toEqual([]);
        const events = await f.settle();
        expect(byDelta(events).map((e) => e.delta)).toEqual([-1, 1]);
      });

      it('refuses ids that are not positive, naming the field, and records nothing', async () => {
        const f = await open();
        await expect(f.svc.favorite({ userId: 0, videoId: 10, like: true })).rejects.toMatchObject(invalid('user_id'));
        await expect(f.svc.favorite({ userId: 1, videoId: -3, like: true })).rejects.toMatchObject(invalid('video_id'));
        await expect(f.svc.favorite({ userId: 1, videoId: 0, like: false })).rejects.toMatchObject(invalid('video_id'));
        expect(await f.db.db.selectFrom('likes').selectAll().execute()).toEqual([]);
        expect(await f.pendingOutboxRows()).toBe(0);
      });
    });

    it('asks the video service: a like or unlike of a video it does not know is NotFound naming video_id, and records nothing', async () => {
      const f = await open();
      f.missingVideos.add(10);
      const notFound = { code: Code.NotFound, details: { field: 'video_id' } };
      await expect(f.svc.favorite({ userId: 1, videoId: 10, like: true })).rejects.toMatchObject(notFound);
      await expect(f.svc.favorite({ userId: 1, videoId: 10, like: false })).rejects.toMatchObject(notFound);
      expect(await f.db.db.selectFrom('likes').selectAll().execute()).toEqual([]);
      expect(await f.pendingOutboxRows()).toBe(0);
    });

    describe('IsFavorite', () => {
      it('answers one flag per id, in the order asked, repeats included', async () => {
        const f = await open();
        await like(f, 1, 10);
        await like(f, 1, 30);
        await like(f, 2, 20); // another user's like
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [30, 20, 10, 40, 30] })).toEqual({ values: [true, false, true, false, true] });
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [] })).toEqual({ values: [] });
      });

      it('answers all false for a signed-out viewer (user_id 0)', async () => {
        const f = await open();
        await like(f, 1, 10);
        expect(await f.svc.isFavorite({ userId: 0, videoIds: [10, 11] })).toEqual({ values: [false, false] });
      });

      it(`takes at most ${MAX_IDS_PER_BATCH} ids, and checks each`, async () => {
        const f = await open();
        await like(f, 1, MAX_IDS_PER_BATCH);
        const ids = Array.from({ length: MAX_IDS_PER_BATCH }, (_, i) => i + 1);
        const { values } = await f.svc.isFavorite({ userId: 1, videoIds: ids });
        expect(values).toHaveLength(MAX_IDS_PER_BATCH);
        expect(values.filter(Boolean)).toHaveLength(1);
        expect(values[MAX_IDS_PER_BATCH - 1]).toBe(true);
        await expect(f.svc.isFavorite({ userId: 1, videoIds: [...ids, MAX_IDS_PER_BATCH + 1] })).rejects.toMatchObject(invalid('video_ids'));
        await expect(f.svc.isFavorite({ userId: 1, videoIds: [1, 0] })).rejects.toMatchObject(invalid('video_ids'));
        await expect(f.svc.isFavorite({ userId: -1, videoIds: [1] })).rejects.toMatchObject(invalid('user_id'));
      });

      it('follows a like and an unlike at once', async () => {
        const f = await open();
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [10] })).toEqual({ values: [false] });
        await like(f, 1, 10);
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [10] })).toEqual({ values: [true] });
        await unlike(f, 1, 10);
        expect(await f.svc.isFavorite({ userId: 1, videoIds: [10] })).toEqual({ values: [false] });
      });
    });

    describe('ListFavorites', () => {
      it('lists the liked videos, most recent like first, at most limit', async () => {
        const f = await open();
        for (const videoId of [10, 30, 20]) {
          await like(f, 1, videoId);
          f.clock.advance(1000);
        }
        await like(f, 2, 40);
        expect(await f.svc.listFavorites({ userId: 1, limit: 0 })).toEqual({ videoIds: [20, 30, 10] });
        expect(await f.svc.listFavorites({ userId: 1, limit: 2 })).toEqual({ videoIds: [20, 30] });
        expect(await f.svc.listFavorites({ userId: 3, limit: 0 })).toEqual({ videoIds: [] });
      });

      it('shows a like and an unlike at once (the cached list is deleted after each change)', async () => {
        const f = await open();
        await like(f, 1, 10);
        expect(await f.svc.listFavorites({ userId: 1, limit: 0 })).toEqual({ videoIds: [10] });
        f.clock.advance(1000);
        await like(f, 1, 20);
        expect(await f.svc.listFavorites({ userId: 1, limit: 0 })).toEqual({ videoIds: [20, 10] });
        await unlike(f, 1, 10);
        expect(await f.svc.listFavorites({ userId: 1, limit: 0 })).toEqual({ videoIds: [20] });
      });

      it('returns at most 1000 whatever the limit, and refuses a negative limit or user id', async () => {
        const f = await open();
        const rows = Array.from({ length: 1001 }, (_, i) => ({ user_id: 1, biz: 'video', target_id: i + 1, owner_id: 900, created_at: 1_000 + i }));
        for (let i = 0; i < rows.length; i += 250) await f.db.db.insertInto('likes').values(rows.slice(i, i + 250)).execute();
        const { videoIds } = await f.svc.listFavorites({ userId: 1, limit: 5000 });
        expect(videoIds).toHaveLength(1000);
        expect(videoIds[0]).toBe(1001);
        expect(videoIds.at(-1)).toBe(2);
        await expect(f.svc.listFavorites({ userId: 1, limit: -1 })).rejects.toMatchObject(invalid('limit'));
        await expect(f.svc.listFavorites({ userId: 0, limit: 1 })).rejects.toMatchObject(invalid('user_id'));
      });
    });
  });
}
