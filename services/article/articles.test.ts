// The article service on SQLite and MariaDB: publishing with masked words, edits and deletes by
// the author only (checked against the stored row), detail through the row cache dropped on every
// write, an author's lists in both orders paged across ties by id, and search in Chinese and
// Latin text that follows edits and deletes.
import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, testDatabases } from '#kit/testing';
import type { Article, ArticlePage } from '#gen/surge/article/v1/article';
import { articleFixturesOn, type ArticleFixture } from './testing/fixture.js';

/** Every page of a list, following next_cursor to the end; fails on a page past `limit` or a cursor that never ends. */
async function allPages(get: (cursor: string) => Promise<ArticlePage>, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let cursor = '';
  for (let pages = 1; pages <= 100; pages++) {
    const page = await get(cursor);
    expect(page.articles.length).toBeLessThanOrEqual(limit);
    ids.push(...page.articles.map((a) => a.id));
    if (page.isEnd) {
      expect(page.nextCursor).toBe('');
      return { ids, pages };
    }
    expect(page.articles).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('the list never ended');
}

const byIdDesc = (a: number, b: number) => b - a;

for (const kind of await testDatabases()) {
  describe.skipIf(!kind.available)(`article service on ${kind.name}`, () => {
    const open = articleFixturesOn(kind);

    it('publishes with counters at 0, configured words masked in title and body, tags trimmed and once each', async () => {
      const f = await open({ blockedWords: ['傻逼', 'shit'] });
      const a = await f.publish(7, { title: '  this shit works  ', content: '第一行\n你这个傻逼', coverUrl: '/api/v1/community/images/x.png', tags: [' go ', 'go', '后端'] });
      expect(a).toMatchObject({ authorId: 7, title: 'this **** works', content: '第一行\n你这个**', coverUrl: '/api/v1/community/images/x.png', tags: ['go', '后端'], likeCount: 0, commentCount: 0, viewCount: 0, status: 'published' });
      expect(a.createdAt).toBe(f.clock.now());
      expect(a.updatedAt).toBe(a.createdAt);
      const b = await f.publish(7);
      expect((await f.svc.getArticles({ ids: [b.id, 999, a.id] })).articles).toEqual([b, a]);
    });

    it('stores the longest body in the widest characters: 20,000 emoji (80,000 bytes) on both databases', async () => {
      const f = await open();
      const content = '😀'.repeat(20_000);
      const a = await f.publish(7, { content });
      const [stored] = (await f.svc.getArticles({ ids: [a.id] })).articles;
      expect(stored!.content).toBe(content);
    });

    it('lets the author alone edit: another user is PermissionDenied and nothing changes; the cached detail follows the edit', async () => {
      const f = await open();
      const a = await f.publish(1, { title: 'before', tags: ['x'] });
      // Read once so the row is cached, then edit: the next read must not see the cached row.
      expect((await f.svc.getArticles({ ids: [a.id] })).articles[0]!.title).toBe('before');
      const refused = await rejectionOf(f.update({ id: a.id, authorId: 2, title: 'hijacked' }), Code.PermissionDenied);
      expect(refused.details).toEqual({ field: 'author_id' });
      expect((await f.svc.getArticles({ ids: [a.id] })).articles[0]!.title).toBe('before');

      f.clock.advance(5000);
      const edited = await f.update({ id: a.id, authorId: 1, title: 'after', coverUrl: '', replaceTags: true });
      expect(edited).toMatchObject({ title: 'after', content: a.content, tags: [], createdAt: a.createdAt, updatedAt: a.createdAt + 5000 });
      expect((await f.svc.getArticles({ ids: [a.id] })).articles[0]).toEqual(edited);
      // Nothing present: unchanged.
      expect(await f.update({ id: a.id, authorId: 1 })).toEqual(edited);
      await rejectionOf(f.update({ id: 424242, authorId: 1, title: 't' }), Code.NotFound);
    });

    it('publishes article.published with the article, and article.deleted when its author deletes it', async () => {
      const f = await open();
      const a = await f.publish(7);
      await f.svc.deleteArticle({ id: a.id, authorId: 7 });
      const end = Date.now() + 5000;
      while (f.events.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(f.events).toEqual([
        { topic: 'article.published', data: { articleId: a.id, authorId: 7, createdAt: a.createdAt } },
        { topic: 'article.deleted', data: { articleId: a.id, authorId: 7 } },
      ]);
    });

    it('publishes 80 articles at once without a deadlock, each indexed for search', async () => {
      const f = await open();
      const made = await Promise.all(Array.from({ length: 80 }, (_, i) => f.publish(11, { title: `并发 parallel ${i}` })));
      const found: number[] = [];
      for (let cursor = '', end = false; !end; ) {
        const page = await f.svc.search({ q: 'parallel', cursor, limit: 50 });
        found.push(...page.articles.map((a) => a.id));
        [cursor, end] = [page.nextCursor, page.isEnd];
      }
      expect(found.sort()).toEqual(made.map((a) => a.id).sort());
    });

    it('keeps a draft its author’s alone until published, then announces it', async () => {
      const f = await open();
      const d = await f.publish(7, { title: 'draft 草稿', draft: true });
      expect(d.status).toBe('draft');
      expect((await f.svc.getArticles({ ids: [d.id] })).articles).toEqual([]);
      expect((await f.svc.getArticles({ ids: [d.id], viewerId: 8 })).articles).toEqual([]);
      expect((await f.svc.getArticles({ ids: [d.id], viewerId: 7 })).articles.map((a) => a.id)).toEqual([d.id]);
      expect((await f.svc.listByAuthor({ authorId: 7, sort: '', cursor: '', limit: 0 })).articles).toEqual([]);
      expect((await f.svc.search({ q: '草稿', cursor: '', limit: 0 })).articles).toEqual([]);
      expect((await f.svc.listDrafts({ authorId: 7, cursor: '', limit: 0 })).articles.map((a) => a.id)).toEqual([d.id]);
      expect((await f.svc.listDrafts({ authorId: 8, cursor: '', limit: 0 })).articles).toEqual([]);
      // Another user's draft does not exist for them.
      await expect(f.update({ id: d.id, authorId: 8, title: 'x' })).rejects.toMatchObject({ code: Code.NotFound });
      await expect(f.svc.deleteArticle({ id: d.id, authorId: 8 })).rejects.toMatchObject({ code: Code.NotFound });
      f.clock.advance(5_000);
      const published = await f.update({ id: d.id, authorId: 7, publish: true });
      expect(published).toMatchObject({ status: 'published', createdAt: f.clock.now() });
      expect((await f.svc.listByAuthor({ authorId: 7, sort: '', cursor: '', limit: 0 })).articles.map((a) => a.id)).toEqual([d.id]);
      expect((await f.svc.listDrafts({ authorId: 7, cursor: '', limit: 0 })).articles).toEqual([]);
      const end = Date.now() + 5000;
      while (f.events.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(f.events).toEqual([{ topic: 'article.published', data: { articleId: d.id, authorId: 7, createdAt: f.clock.now() } }]);
      // Publishing again changes nothing and announces nothing.
      await f.update({ id: d.id, authorId: 7, publish: true });
      expect(f.events).toHaveLength(1);
    });

    it('lets the author alone delete: gone from detail, lists and search at once', async () => {
      const f = await open();
      const a = await f.publish(3, { title: '删除测试 keepme' });
      expect((await f.svc.getArticles({ ids: [a.id] })).articles).toHaveLength(1);
      await rejectionOf(f.svc.deleteArticle({ id: a.id, authorId: 4 }), Code.PermissionDenied);
      expect((await f.svc.search({ q: 'keepme', cursor: '', limit: 0 })).articles.map((x) => x.id)).toEqual([a.id]);

      await f.svc.deleteArticle({ id: a.id, authorId: 3 });
      expect((await f.svc.getArticles({ ids: [a.id] })).articles).toEqual([]);
      expect((await f.svc.listByAuthor({ authorId: 3, sort: '', cursor: '', limit: 0 })).articles).toEqual([]);
      expect((await f.svc.search({ q: 'keepme', cursor: '', limit: 0 })).articles).toEqual([]);
      expect((await f.db.db.selectFrom('article_terms').select('term').where('article_id', '=', a.id).execute())).toEqual([]);
      await rejectionOf(f.svc.deleteArticle({ id: a.id, authorId: 3 }), Code.NotFound);
    });

    it("pages an author's list newest first and by likes, ties broken by id, every article exactly once", async () => {
      const f = await open();
      const author = 11;
      // Three batches written while the clock stands still: each batch shares one created_at.
      const written: Article[] = [];
      for (let batch = 0; batch < 3; batch++) {
        for (let i = 0; i < 5; i++) written.push(await f.publish(author, { title: `post ${batch}-${i}` }));
        f.clock.advance(1000);
      }
      await f.publish(12); // another author's: never in the list
      const newest = [...written].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).map((a) => a.id);
      const listed = await allPages((cursor) => f.svc.listByAuthor({ authorId: author, sort: 'newest', cursor, limit: 4 }), 4);
      expect(listed.ids).toEqual(newest);
      expect(listed.pages).toBe(4);

      // Likes as the likes service will write them: ties at 2 and at 0.
      const likes = new Map([[written[3]!.id, 9], [written[7]!.id, 2], [written[11]!.id, 2]]);
      for (const [id, n] of likes) await f.db.db.updateTable('articles').set({ like_count: n }).where('id', '=', id).execute();
      const byLikes = [...written].sort((a, b) => (likes.get(b.id) ?? 0) - (likes.get(a.id) ?? 0) || b.id - a.id).map((a) => a.id);
      const liked = await allPages((cursor) => f.svc.listByAuthor({ authorId: author, sort: 'likes', cursor, limit: 3 }), 3);
      expect(liked.ids).toEqual(byLikes);
      expect(liked.ids.slice(3).slice(0, 3)).toEqual(liked.ids.slice(3).slice(0, 3).sort(byIdDesc));

      // A cursor of one order is refused by the other.
      const first = await f.svc.listByAuthor({ authorId: author, sort: 'likes', cursor: '', limit: 3 });
      const refused = await rejectionOf(f.svc.listByAuthor({ authorId: author, sort: 'newest', cursor: first.nextCursor, limit: 3 }), Code.InvalidArgument);
      expect(refused.details).toEqual({ field: 'cursor' });
    });

    it('searches Chinese by two-character words and Latin by words, title over tags over body, and follows edits', async () => {
      const f = await open();
      const inTitle = await f.publish(1, { title: '华为手机评测', content: '续航很好' });
      const inTag = await f.publish(1, { title: '开箱', tags: ['手机'], content: '外观' });
      const inBody = await f.publish(2, { title: '一周记录', content: '换了新手机，还有 iPhone 15' });
      await f.publish(2, { title: '机械键盘', content: '手感' });
      const ids = async (q: string) => (await f.svc.search({ q, cursor: '', limit: 0 })).articles.map((a) => a.id);
      expect(await ids('手机')).toEqual([inTitle.id, inTag.id, inBody.id]);
      expect(await ids('IPHONE')).toEqual([inBody.id]);
      expect(await ids('iphone 15 手机')).toEqual([inBody.id]);
      expect(await ids('键盘手机')).toEqual([]);

      await f.update({ id: inTitle.id, authorId: 1, title: '平板评测' });
      expect(await ids('手机')).toEqual([inTag.id, inBody.id]);
      expect(await ids('平板')).toEqual([inTitle.id]);

      // Pages of one match each serve every match once.
      const all = await allPages((cursor) => f.svc.search({ q: '手机', cursor, limit: 1 }), 1);
      expect(all.ids).toEqual([inTag.id, inBody.id]);
    });
  });
}
