// Likes and comments on any (business, target): the generic methods, the counts kept in batches
// from the service's own events, threads, removal by the author or the target's owner, and the
// migration that moved the video-only tables over.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { runMigrations } from '../../packages/kit/store/migrate.js';
import { systemClock } from '#kit/clock';
import { testDatabases } from '#kit/testing';
import { interactionMigrations, type InteractionDB } from './index.js';
import { fixturesOn, type Fixture } from './testing/fixture.js';

const invalid = (field: string) => ({ code: Code.InvalidArgument, details: { field } });

/** Waits until the article's counts read as expected (they are applied in batches). */
async function countsOf(f: Fixture, id: number, want: { likeCount: number; commentCount: number }) {
  const end = Date.now() + 10_000;
  for (;;) {
    const [s] = (await f.svc.getTargetStates({ userId: 0, biz: 'article', targetIds: [id] })).states;
    if ((s!.likeCount === want.likeCount && s!.commentCount === want.commentCount) || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`likes and comments on any target, on ${kind.name}`, () => {
    const open = fixturesOn(kind);

    it('likes an article idempotently, answers the count, counts it in a batch and flags it for the liker only', async () => {
      const f = await open();
      f.articleAuthors.set(5, 77);
      expect(await f.svc.like({ userId: 1, biz: 'article', targetId: 5, like: true })).toEqual({ changed: true, liked: true, likeCount: 1 });
      expect(await f.svc.like({ userId: 1, biz: 'article', targetId: 5, like: true })).toMatchObject({ changed: false, liked: true });
      expect(await countsOf(f, 5, { likeCount: 1, commentCount: 0 })).toEqual({ likeCount: 1, commentCount: 0, liked: false });
      const states = await f.svc.getTargetStates({ userId: 1, biz: 'article', targetIds: [5, 6, 5] });
      expect(states.states.map((s) => s.liked)).toEqual([true, false, true]);
      expect(f.targetEvents.map((e) => e.data)).toEqual([{ userId: 1, biz: 'article', targetId: 5, ownerId: 77, delta: 1 }]);
      // An article like is not a Douyin favorite.
      expect(f.events).toEqual([]);
      expect(await f.svc.like({ userId: 1, biz: 'article', targetId: 5, like: false })).toEqual({ changed: true, liked: false, likeCount: 0 });
      expect(await countsOf(f, 5, { likeCount: 0, commentCount: 0 })).toMatchObject({ likeCount: 0 });
    });

    it("reads many (viewer, target) pairs in one call: each pair with its own reader's flag, repeats and signed-out readers included", async () => {
      const f = await open();
      f.articleAuthors.set(5, 77);
      f.articleAuthors.set(6, 77);
      await f.svc.like({ userId: 1, biz: 'article', targetId: 5, like: true });
      await f.svc.like({ userId: 2, biz: 'article', targetId: 6, like: true });
      await f.svc.like({ userId: 3, biz: 'article', targetId: 6, like: true });
      await countsOf(f, 6, { likeCount: 2, commentCount: 0 });
      const { states } = await f.svc.getViewerStates({ biz: 'article', userIds: [1, 2, 1, 0, 2, 3, 1], targetIds: [5, 5, 6, 6, 6, 5, 5] });
      expect(states).toEqual([
        { likeCount: 1, commentCount: 0, liked: true },
        { likeCount: 1, commentCount: 0, liked: false },
        { likeCount: 2, commentCount: 0, liked: false },
        { likeCount: 2, commentCount: 0, liked: false },
        { likeCount: 2, commentCount: 0, liked: true },
        { likeCount: 1, commentCount: 0, liked: false },
        { likeCount: 1, commentCount: 0, liked: true },
      ]);
      // Each pair reads as GetTargetStates would for that viewer alone.
      for (const [userId, targetId] of [[1, 5], [2, 6], [3, 5]] as const) {
        const [alone] = (await f.svc.getTargetStates({ userId, biz: 'article', targetIds: [targetId] })).states;
        const [paired] = (await f.svc.getViewerStates({ biz: 'article', userIds: [userId], targetIds: [targetId] })).states;
        expect(paired).toEqual(alone);
      }
      expect(await f.svc.getViewerStates({ biz: 'article', userIds: [], targetIds: [] })).toEqual({ states: [] });
    });

    it('counts exactly under 60 concurrent likes by different users, then unlikes of half', async () => {
      const f = await open();
      await Promise.all(Array.from({ length: 60 }, (_, i) => f.svc.like({ userId: i + 1, biz: 'article', targetId: 9, like: true })));
      expect(await countsOf(f, 9, { likeCount: 60, commentCount: 0 })).toMatchObject({ likeCount: 60 });
      await Promise.all(Array.from({ length: 30 }, (_, i) => f.svc.like({ userId: i + 1, biz: 'article', targetId: 9, like: false })));
      expect(await countsOf(f, 9, { likeCount: 30, commentCount: 0 })).toMatchObject({ likeCount: 30 });
    });

    it('a video like through Like is the Douyin favorite too: one row, both topics', async () => {
      const f = await open();
      f.authors.set(3, 44);
      await f.svc.like({ userId: 2, biz: 'video', targetId: 3, like: true });
      expect((await f.svc.isFavorite({ userId: 2, videoIds: [3] })).values).toEqual([true]);
      await f.settle();
      expect(f.events.map((e) => e.data)).toEqual([{ userId: 2, videoId: 3, authorId: 44, delta: 1 }]);
      expect(f.targetEvents.map((e) => e.data)).toEqual([{ userId: 2, biz: 'video', targetId: 3, ownerId: 44, delta: 1 }]);
    });

    it('refuses an unknown business, bad ids and a missing target, naming the field, and records nothing', async () => {
      const f = await open();
      f.missingArticles.add(404);
      await expect(f.svc.like({ userId: 1, biz: 'book', targetId: 1, like: true })).rejects.toMatchObject(invalid('biz'));
      await expect(f.svc.like({ userId: 1, biz: '', targetId: 1, like: true })).rejects.toMatchObject(invalid('biz'));
      await expect(f.svc.like({ userId: 0, biz: 'article', targetId: 1, like: true })).rejects.toMatchObject(invalid('user_id'));
      await expect(f.svc.like({ userId: 1, biz: 'article', targetId: -1, like: true })).rejects.toMatchObject(invalid('target_id'));
      await expect(f.svc.like({ userId: 1, biz: 'article', targetId: 404, like: true })).rejects.toMatchObject({ code: Code.NotFound, details: { field: 'target_id' } });
      await expect(f.svc.getTargetStates({ userId: -1, biz: 'article', targetIds: [1] })).rejects.toMatchObject(invalid('user_id'));
      await expect(f.svc.getTargetStates({ userId: 1, biz: 'article', targetIds: Array.from({ length: 101 }, (_, i) => i + 1) })).rejects.toMatchObject(invalid('target_ids'));
      await expect(f.svc.getViewerStates({ biz: 'article', userIds: [1, 2], targetIds: [1] })).rejects.toMatchObject(invalid('user_ids'));
      await expect(f.svc.getViewerStates({ biz: 'article', userIds: [-1], targetIds: [1] })).rejects.toMatchObject(invalid('user_ids'));
      await expect(f.svc.getViewerStates({ biz: 'article', userIds: [1], targetIds: [0] })).rejects.toMatchObject(invalid('target_ids'));
      await expect(f.svc.getViewerStates({ biz: 'book', userIds: [1], targetIds: [1] })).rejects.toMatchObject(invalid('biz'));
      await expect(f.svc.getViewerStates({ biz: 'article', userIds: Array.from({ length: 101 }, () => 1), targetIds: Array.from({ length: 101 }, (_, i) => i + 1) })).rejects.toMatchObject(invalid('target_ids'));
      await expect(f.svc.addComment({ userId: 1, biz: 'article', targetId: 404, content: 'x', replyTo: 0 })).rejects.toMatchObject({ code: Code.NotFound });
      await expect(f.svc.addComment({ userId: 1, biz: 'article', targetId: 1, content: '   ', replyTo: 0 })).rejects.toMatchObject(invalid('content'));
      await expect(f.svc.addComment({ userId: 1, biz: 'article', targetId: 1, content: 'x'.repeat(1001), replyTo: 0 })).rejects.toMatchObject(invalid('content'));
      await expect(f.svc.addComment({ userId: 1, biz: 'article', targetId: 1, content: 'x', replyTo: -2 })).rejects.toMatchObject(invalid('reply_to'));
      await expect(f.svc.listTargetComments({ biz: 'article', targetId: 1, rootId: 0, cursor: 'nope', limit: 0 })).rejects.toMatchObject(invalid('cursor'));
      await expect(f.svc.listTargetComments({ biz: 'article', targetId: 1, rootId: 0, cursor: '', limit: -1 })).rejects.toMatchObject(invalid('limit'));
      await expect(f.svc.removeComment({ userId: 1, commentId: 0 })).rejects.toMatchObject(invalid('comment_id'));
      expect(await f.db.db.selectFrom('likes').selectAll().execute()).toEqual([]);
      expect(await f.db.db.selectFrom('comments').selectAll().execute()).toEqual([]);
    });

    it('threads replies one level: a reply to a reply goes under the same root and names whom it answers', async () => {
      const f = await open();
      const root = await f.svc.addComment({ userId: 1, biz: 'article', targetId: 7, content: 'first', replyTo: 0 });
      const r1 = await f.svc.addComment({ userId: 2, biz: 'article', targetId: 7, content: 'reply', replyTo: root.id });
      f.clock.advance(1);
      const r2 = await f.svc.addComment({ userId: 3, biz: 'article', targetId: 7, content: 'reply to reply', replyTo: r1.id });
      expect(r1).toMatchObject({ rootId: root.id, replyToUserId: 1 });
      expect(r2).toMatchObject({ rootId: root.id, replyToUserId: 2 });
      const top = await f.svc.listTargetComments({ biz: 'article', targetId: 7, rootId: 0, cursor: '', limit: 0 });
      expect(top.comments.map((c) => [c.id, c.replyCount])).toEqual([[root.id, 2]]);
      const thread = await f.svc.listTargetComments({ biz: 'article', targetId: 7, rootId: root.id, cursor: '', limit: 0 });
      expect(thread.comments.map((c) => c.id)).toEqual([r1.id, r2.id]);
      // A comment on another target is not one to answer.
      await expect(f.svc.addComment({ userId: 2, biz: 'article', targetId: 8, content: 'x', replyTo: root.id })).rejects.toMatchObject({ code: Code.NotFound, details: { field: 'reply_to' } });
      expect(await countsOf(f, 7, { likeCount: 0, commentCount: 3 })).toMatchObject({ commentCount: 3 });
    });

    it('masks the configured words in comments', async () => {
      const f = await open();
      const c = await f.svc.addComment({ userId: 1, biz: 'article', targetId: 7, content: 'a badword here', replyTo: 0 });
      expect(c.content).toBe('a ******* here');
    });

    it("removes a comment by its author or the target's owner, never by another user; a root takes its replies", async () => {
      const f = await open();
      f.articleAuthors.set(7, 50);
      const root = await f.svc.addComment({ userId: 1, biz: 'article', targetId: 7, content: 'root', replyTo: 0 });
      const reply = await f.svc.addComment({ userId: 2, biz: 'article', targetId: 7, content: 'reply', replyTo: root.id });
      await f.svc.addComment({ userId: 3, biz: 'article', targetId: 7, content: 'reply', replyTo: root.id });
      const other = await f.svc.addComment({ userId: 4, biz: 'article', targetId: 7, content: 'other', replyTo: 0 });
      await expect(f.svc.removeComment({ userId: 3, commentId: other.id })).rejects.toMatchObject({ code: Code.PermissionDenied, details: { field: 'user_id' } });
      await expect(f.svc.removeComment({ userId: 3, commentId: reply.id })).rejects.toMatchObject({ code: Code.PermissionDenied });
      await f.svc.removeComment({ userId: 2, commentId: reply.id });
      expect((await f.svc.listTargetComments({ biz: 'article', targetId: 7, rootId: 0, cursor: '', limit: 0 })).comments.map((c) => c.replyCount)).toEqual([0, 1]);
      // The article's author removes a stranger's root, and its remaining reply with it.
      await f.svc.removeComment({ userId: 50, commentId: root.id });
      await expect(f.svc.removeComment({ userId: 50, commentId: root.id })).rejects.toMatchObject({ code: Code.NotFound, details: { field: 'comment_id' } });
      expect(await countsOf(f, 7, { likeCount: 0, commentCount: 1 })).toMatchObject({ commentCount: 1 });
      expect((await f.db.db.selectFrom('comments').select('id').execute()).map((r) => Number(r.id))).toEqual([other.id]);
    });

    it('pages top-level comments newest first and a thread oldest first, without gaps or repeats across equal times', async () => {
      const f = await open();
      const tops = [];
      for (let i = 0; i < 7; i++) tops.push((await f.svc.addComment({ userId: 1, biz: 'article', targetId: 3, content: `c${i}`, replyTo: 0 })).id);
      const seen: number[] = [];
      let cursor = '';
      for (;;) {
        const page = await f.svc.listTargetComments({ biz: 'article', targetId: 3, rootId: 0, cursor, limit: 3 });
        seen.push(...page.comments.map((c) => c.id));
        if (page.isEnd) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([...tops].reverse());
      // A top-level cursor is not a thread's.
      const first = await f.svc.listTargetComments({ biz: 'article', targetId: 3, rootId: 0, cursor: '', limit: 2 });
      await expect(f.svc.listTargetComments({ biz: 'article', targetId: 3, rootId: tops[0]!, cursor: first.nextCursor, limit: 2 })).rejects.toMatchObject(invalid('cursor'));
    });

    it('a reply racing the removal of its root either lands before it (and goes with it) or is NotFound: no orphan', async () => {
      const f = await open();
      for (let round = 0; round < 5; round++) {
        const root = await f.svc.addComment({ userId: 1, biz: 'article', targetId: 11, content: 'root', replyTo: 0 });
        await Promise.allSettled([
          ...Array.from({ length: 5 }, () => f.svc.addComment({ userId: 2, biz: 'article', targetId: 11, content: 'r', replyTo: root.id })),
          f.svc.removeComment({ userId: 1, commentId: root.id }),
        ]);
      }
      expect(await f.db.db.selectFrom('comments').selectAll().execute()).toEqual([]);
      expect(await countsOf(f, 11, { likeCount: 0, commentCount: 0 })).toMatchObject({ commentCount: 0 });
    });
  });

  describe.skipIf(!kind.available)(`the move to likes and comments on any target, on ${kind.name}`, () => {
    it('carries the video likes, comments and their counts over', async () => {
      const first = Object.fromEntries(Object.entries(interactionMigrations).filter(([name]) => name < '0002'));
      const sdb = await kind.open<any>('interaction', first);
      try {
        await sdb.db.insertInto('favorites').values([
          { user_id: 1, video_id: 10, author_id: 7, created_at: 5 },
          { user_id: 2, video_id: 10, author_id: 7, created_at: 6 },
        ]).execute();
        await sdb.db.insertInto('comments').values([
          { id: 100, video_id: 10, user_id: 3, content: 'hi', created_at: 7 },
          { id: 101, video_id: 12, user_id: 3, content: 'yo', created_at: 8 },
        ]).execute();
        await runMigrations(sdb.db, interactionMigrations, systemClock);
        const db = sdb.db as unknown as import('kysely').Kysely<InteractionDB>;
        const likes = await db.selectFrom('likes').selectAll().orderBy('user_id').execute();
        expect(likes.map((r) => [Number(r.user_id), r.biz, Number(r.target_id), Number(r.owner_id), Number(r.created_at)])).toEqual([
          [1, 'video', 10, 7, 5],
          [2, 'video', 10, 7, 6],
        ]);
        const comments = await db.selectFrom('comments').selectAll().orderBy('id').execute();
        expect(comments.map((r) => [Number(r.id), r.biz, Number(r.target_id), Number(r.root_id), Number(r.owner_id)])).toEqual([
          [100, 'video', 10, 0, 0],
          [101, 'video', 12, 0, 0],
        ]);
        const counts = await db.selectFrom('target_counts').selectAll().orderBy('target_id').execute();
        expect(counts.map((r) => [r.biz, Number(r.target_id), Number(r.like_count), Number(r.comment_count)])).toEqual([
          ['video', 10, 2, 1],
          ['video', 12, 0, 1],
        ]);
      } finally {
        await kind.cleanup();
      }
    });
  });
}
