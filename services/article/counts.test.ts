// The like and comment counts stored on articles, kept from the interaction service's events in
// batches (exactly once: applyEachOnce, tested in #kit/outbox), other businesses' events skipped, the
// cached article row refreshed, and the "by likes" list in the new order.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { systemClock } from '#kit/clock';
import type { Queue } from '#kit/queue';
import { testDatabases } from '#kit/testing';
import { TARGET_COMMENTED, TARGET_LIKED } from '../interaction/events.js';
import { startArticleConsumers } from './consumers/counts.js';
import { createArticleModel } from './model/articles.js';
import { articleFixturesOn, type ArticleFixture } from './testing/fixture.js';

const log = pino({ level: 'silent' });

async function until(check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('the counts never arrived');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const counts = async (f: ArticleFixture, id: number) => {
  const [a] = (await f.svc.getArticles({ ids: [id] })).articles;
  return [a!.likeCount, a!.commentCount];
};

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`article counts from interaction events, on ${kind.name}`, () => {
    const open = articleFixturesOn(kind);
    const closing: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const close of closing.splice(0).reverse()) await close();
    });

    const withConsumers = async (): Promise<{ f: ArticleFixture; queue: Queue }> => {
      const f = await open();
      const consumers = await startArticleConsumers({ db: f.db, articles: createArticleModel(f.db, f.cache), queue: f.queue, clock: systemClock, log, flushIntervalMs: 10 });
      closing.push(() => consumers.close());
      return { f, queue: f.queue };
    };

    it('applies likes and comments on articles, other businesses ignored, the cached row refreshed', async () => {
      const { f, queue } = await withConsumers();
      const a = await f.publish(5);
      expect(await counts(f, a.id)).toEqual([0, 0]); // cached now: the batch must drop it
      const like = (userId: number, delta: number, biz = 'article') => ({ userId, biz, targetId: a.id, ownerId: 5, delta });
      await Promise.all(Array.from({ length: 40 }, (_, i) => queue.publish(TARGET_LIKED, like(i + 1, 1))));
      await queue.publish(TARGET_LIKED, like(1, 1, 'video'));
      await queue.publish(TARGET_COMMENTED, { biz: 'article', targetId: a.id, ownerId: 5, commentId: 1, userId: 2, rootId: 0, replyToUserId: 0, delta: 1 });
      await queue.publish(TARGET_LIKED, like(1, -1));
      await until(async () => (await counts(f, a.id)).join() === '39,1');
    });

    it('orders "by likes" by the applied counts', async () => {
      const { f, queue } = await withConsumers();
      const low = await f.publish(6);
      const high = await f.publish(6);
      for (let i = 0; i < 3; i++) await queue.publish(TARGET_LIKED, { userId: i + 1, biz: 'article', targetId: high.id, ownerId: 6, delta: 1 });
      await queue.publish(TARGET_LIKED, { userId: 1, biz: 'article', targetId: low.id, ownerId: 6, delta: 1 });
      await until(async () => (await counts(f, high.id))[0] === 3 && (await counts(f, low.id))[0] === 1);
      const page = await f.svc.listByAuthor({ authorId: 6, sort: 'likes', cursor: '', limit: 0 });
      expect(page.articles.map((x) => x.id)).toEqual([high.id, low.id]);
    });

    it('counts detail reads as views in batches, and the hot list follows likes, comments, views and age', async () => {
      const { f, queue } = await withConsumers();
      const older = await f.publish(8);
      f.clock.advance(60_000);
      const newer = await f.publish(8);
      const liked = await f.publish(9);
      // Equal counts: the newer first.
      const hot = async () => (await f.svc.listHot({ cursor: '', limit: 0 })).articles.map((a) => a.id);
      expect(await hot()).toEqual([liked.id, newer.id, older.id].sort((a, b) => (a === older.id ? 1 : b === older.id ? -1 : b - a)));
      for (let i = 0; i < 5; i++) await queue.publish(TARGET_LIKED, { userId: i + 1, biz: 'article', targetId: older.id, ownerId: 8, delta: 1 });
      await until(async () => (await counts(f, older.id))[0] === 5);
      expect((await hot())[0]).toBe(older.id);
      // Views: three reads counted once each, written in a batch.
      for (let i = 0; i < 30; i++) await f.svc.getArticles({ ids: [newer.id], countViews: true });
      await f.svc.getArticles({ ids: [newer.id] });
      await until(async () => (await f.svc.getArticles({ ids: [newer.id] })).articles[0]!.viewCount === 30);
      expect((await hot()).indexOf(newer.id)).toBeLessThan((await hot()).indexOf(liked.id));
      // Paging the hot list: every article once.
      const first = await f.svc.listHot({ cursor: '', limit: 2 });
      const rest = await f.svc.listHot({ cursor: first.nextCursor, limit: 2 });
      expect([...first.articles, ...rest.articles].map((a) => a.id).sort()).toEqual([older.id, newer.id, liked.id].sort());
      expect(rest.isEnd).toBe(true);
    });

    it('adds the views a caller counted (RecordViews) to the reads it counts itself, and refuses bad entries whole', async () => {
      const { f } = await withConsumers();
      const a = await f.publish(10);
      const b = await f.publish(10);
      await f.svc.getArticles({ ids: [a.id], countViews: true });
      await f.svc.recordViews({ views: [{ id: a.id, count: 41 }, { id: b.id, count: 2 }, { id: 9_999_999, count: 3 }] });
      await until(async () => {
        const [x, y] = (await f.svc.getArticles({ ids: [a.id, b.id] })).articles;
        return x!.viewCount === 42 && y!.viewCount === 2;
      });
      const refused = [
        [{ id: a.id, count: 0 }, 'views[0].count'],
        [{ id: a.id, count: 1_000_001 }, 'views[0].count'],
        [{ id: 0, count: 1 }, 'views[0].id'],
      ] as const;
      for (const [entry, field] of refused) await expect(f.svc.recordViews({ views: [entry] })).rejects.toThrow(field);
      await expect(f.svc.recordViews({ views: [{ id: b.id, count: 1 }, { id: b.id, count: 1 }] })).rejects.toThrow('views[1].id');
      await expect(f.svc.recordViews({ views: Array.from({ length: 1001 }, (_, i) => ({ id: i + 1, count: 1 })) })).rejects.toThrow('at most 1000');
      await f.svc.getArticles({ ids: [b.id], countViews: true });
      await until(async () => (await f.svc.getArticles({ ids: [b.id] })).articles[0]!.viewCount === 3);
    });
  });
}
