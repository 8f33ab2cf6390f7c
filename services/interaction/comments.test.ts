// Comments on SQLite and, when reachable, MariaDB: content rules, the row and its event in one
// transaction, newest-first lists served from the per-video cache and refreshed by every post
// and delete, and deletes only by the author, once.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { decodeId } from '#kit/ids';
import { testDatabases } from '#kit/testing';
import { fixturesOn, type Fixture } from './testing/fixture.js';

const post = (f: Fixture, userId: number, videoId: number, content = 'nice') => f.svc.postComment({ userId, videoId, content });
const invalid = (field: string) => ({ code: Code.InvalidArgument, details: { field } });
const commentNotFound = { code: Code.NotFound, details: { field: 'comment_id' } };
const commentRows = async (f: Fixture) => (await f.db.db.selectFrom('comments').select('id').execute()).map((r) => Number(r.id));

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`comments on ${kind.name}`, () => {
    const open = fixturesOn(kind);

    describe('PostComment', () => {
      it('stores the trimmed content with a snowflake id and the time, and publishes commented +1', async () => {
        const f = await open();
        const c = await post(f, 1, 10, '  first!  ');
        expect(c).toEqual({ id: expect.any(Number), userId: 1, videoId: 10, content: 'first!', createdAt: f.clock.now() });
        expect(decodeId(c.id).workerId).toBe(1);
        const [row] = await f.db.db.selectFrom('comments').selectAll().execute();
        expect({ ...row, id: Number(row!.id), user_id: Number(row!.user_id), target_id: Number(row!.target_id), created_at: Number(row!.created_at), owner_id: Number(row!.owner_id), root_id: Number(row!.root_id), reply_to_user_id: Number(row!.reply_to_user_id), reply_count: Number(row!.reply_count) }).toEqual({
          id: c.id, user_id: 1, biz: 'video', target_id: 10, content: 'first!', created_at: c.createdAt, owner_id: 900, root_id: 0, reply_to_user_id: 0, reply_count: 0,
        });
        const events = await f.settle();
        expect(events.map((e) => [e.topic, e.data])).toEqual([['interaction.commented', { videoId: 10, delta: 1 }]]);
        expect(await f.pendingOutboxRows()).toBe(0);
      });

      it('takes 1–1000 characters, counting characters and not bytes, after trimming', async () => {
        const f = await open();
        const emoji = '😀'.repeat(1000); // 4000 bytes of UTF-8, 2000 UTF-16 units, 1000 characters
        expect((await post(f, 1, 10, emoji)).content).toBe(emoji);
        expect((await post(f, 1, 10, ` ${'字'.repeat(1000)}\n`)).content).toBe('字'.repeat(1000));
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments.map((c) => c.content)).toContain(emoji);
        for (const content of ['', '   \n\t', 'a'.repeat(1001), '😀'.repeat(1001)]) {
          await expect(post(f, 1, 10, content)).rejects.toMatchObject(invalid('content'));
        }
        expect(await commentRows(f)).toHaveLength(2);
        expect(await f.settle()).toHaveLength(2);
      });

      it('refuses ids that are not positive, naming the field', async () => {
        const f = await open();
        await expect(post(f, 0, 10)).rejects.toMatchObject(invalid('user_id'));
        await expect(post(f, 1, -10)).rejects.toMatchObject(invalid('video_id'));
        expect(await commentRows(f)).toEqual([]);
        expect(await f.pendingOutboxRows()).toBe(0);
      });

      it('asks the video service: a comment on a video it does not know is NotFound naming video_id, and stores nothing', async () => {
        const f = await open();
        f.missingVideos.add(10);
        await expect(post(f, 1, 10)).rejects.toMatchObject({ code: Code.NotFound, details: { field: 'video_id' } });
        expect(await commentRows(f)).toEqual([]);
        expect(await f.pendingOutboxRows()).toBe(0);
      });
    });

    describe('ListComments', () => {
      it('lists a video’s comments newest first (time, then id), at most limit', async () => {
        const f = await open();
        const a = await post(f, 1, 10, 'a');
        f.clock.advance(1000);
        const b = await post(f, 2, 10, 'b');
        const c = await post(f, 3, 10, 'c'); // same millisecond as b: the larger id is newer
        await post(f, 1, 11, 'other video');
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([c, b, a]);
        expect((await f.svc.listComments({ videoId: 10, limit: 2 })).comments).toEqual([c, b]);
        expect((await f.svc.listComments({ videoId: 12, limit: 0 })).comments).toEqual([]);
        await expect(f.svc.listComments({ videoId: 0, limit: 0 })).rejects.toMatchObject(invalid('video_id'));
        await expect(f.svc.listComments({ videoId: 10, limit: -1 })).rejects.toMatchObject(invalid('limit'));
      });

      it('serves the list from the cache, and a post or a delete on the video refreshes it', async () => {
        const f = await open();
        const a = await post(f, 1, 10, 'a');
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([a]);
        // A row written behind the service's back is not seen: the list came from the cache.
        await f.db.db.insertInto('comments').values({ id: 5, biz: 'video', target_id: 10, user_id: 9, content: 'hidden', created_at: 1, owner_id: 900, root_id: 0, reply_to_user_id: 0, reply_count: 0 }).execute();
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([a]);
        f.clock.advance(1000);
        const b = await post(f, 2, 10, 'b');
        const hidden = { id: 5, userId: 9, videoId: 10, content: 'hidden', createdAt: 1 };
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([b, a, hidden]);
        await f.svc.deleteComment({ userId: 1, commentId: a.id, videoId: 10 });
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([b, hidden]);
      });

      it('returns at most 1000 whatever the limit', async () => {
        const f = await open();
        const rows = Array.from({ length: 1001 }, (_, i) => ({ id: i + 1, biz: 'video', target_id: 10, user_id: 1, content: `c${i + 1}`, created_at: 1_000 + i, owner_id: 900, root_id: 0, reply_to_user_id: 0, reply_count: 0 }));
        for (let i = 0; i < rows.length; i += 250) await f.db.db.insertInto('comments').values(rows.slice(i, i + 250)).execute();
        const { comments } = await f.svc.listComments({ videoId: 10, limit: 5000 });
        expect(comments).toHaveLength(1000);
        expect(comments[0]!.id).toBe(1001);
        expect(comments.at(-1)!.id).toBe(2);
      });
    });

    describe('DeleteComment', () => {
      it('the author deletes a comment: it is returned, gone, and commented -1 is published; a second delete is NotFound', async () => {
        const f = await open();
        const c = await post(f, 1, 10);
        expect(await f.svc.deleteComment({ userId: 1, commentId: c.id, videoId: 10 })).toEqual(c);
        expect(await commentRows(f)).toEqual([]);
        await expect(f.svc.deleteComment({ userId: 1, commentId: c.id, videoId: 10 })).rejects.toMatchObject(commentNotFound);
        const events = await f.settle();
        expect(events.map((e) => e.data).sort((x, y) => Number(x.delta) - Number(y.delta))).toEqual([
          { videoId: 10, delta: -1 },
          { videoId: 10, delta: 1 },
        ]);
      });

      it('video_id 0 deletes whatever the video; a different video_id is NotFound', async () => {
        const f = await open();
        const c = await post(f, 1, 10);
        await expect(f.svc.deleteComment({ userId: 1, commentId: c.id, videoId: 11 })).rejects.toMatchObject(commentNotFound);
        expect(await commentRows(f)).toEqual([c.id]);
        expect(await f.svc.deleteComment({ userId: 1, commentId: c.id, videoId: 0 })).toEqual(c);
      });

      it('someone else’s comment: PermissionDenied, and nothing changes', async () => {
        const f = await open();
        const c = await post(f, 1, 10);
        await f.settle();
        const err = await f.svc.deleteComment({ userId: 2, commentId: c.id, videoId: 10 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: Code.PermissionDenied, message: 'only the author of a comment can delete it' });
        expect(await commentRows(f)).toEqual([c.id]);
        expect(await f.pendingOutboxRows()).toBe(0);
        expect(await f.settle()).toHaveLength(1);
        expect((await f.svc.listComments({ videoId: 10, limit: 0 })).comments).toEqual([c]);
      });

      it('an unknown comment is NotFound naming comment_id; ids must be positive', async () => {
        const f = await open();
        const err = await f.svc.deleteComment({ userId: 1, commentId: 12345, videoId: 0 }).catch((e: unknown) => e);
        expect(err).toMatchObject(commentNotFound);
        expect((err as Error).message).toContain('comment_id');
        await expect(f.svc.deleteComment({ userId: 0, commentId: 1, videoId: 0 })).rejects.toMatchObject(invalid('user_id'));
        await expect(f.svc.deleteComment({ userId: 1, commentId: 0, videoId: 0 })).rejects.toMatchObject(invalid('comment_id'));
        await expect(f.svc.deleteComment({ userId: 1, commentId: 1, videoId: -1 })).rejects.toMatchObject(invalid('video_id'));
      });

      it('20 concurrent deletes of one comment by its author: one succeeds, the rest are NotFound, one -1 event', async () => {
        const f = await open();
        const c = await post(f, 1, 10);
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => f.svc.deleteComment({ userId: 1, commentId: c.id, videoId: 10 })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject(commentNotFound);
        const events = await f.settle();
        expect(events.map((e) => e.data.delta).sort()).toEqual([-1, 1]);
      });
    });
  });
}
