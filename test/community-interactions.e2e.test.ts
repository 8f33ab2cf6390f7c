// Likes and comments on anything through the community API, end to end, embedded and on the real
// servers (MariaDB, Redis, NATS): likes are idempotent and counted (the count exact once its
// batch lands), the detail shows the caller's flag; comments thread one level, hide configured
// words, and are removed by their author or the target's owner only; another user's ids never
// act for someone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { communityClient, until, type Account } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';


for (const mode of modes) {
  describe(`likes and comments on anything (${mode})`, () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await startTestSystem(mode);
    });
    afterAll(async () => sys?.stop());

    const client = communityClient(() => sys, 'liker');
    const signUp = client.signUp;
    /** As `as` (signed in) or nobody. */
    const call = (method: string, url: string, o: { as?: Account; body?: unknown } = {}) => client.call(method, url, { body: o.body, token: o.as?.token });
    const publish = async (as: Account) => {
      const res = await call('POST', `${C}/articles`, { as, body: { title: 'Likes and comments', content: 'A body.' } });
      expect(res.status).toBe(201);
      return res.body.article.id as number;
    };
    const detail = (id: number, as?: Account) => call('GET', `${C}/articles/${id}`, { as });

    it('likes are idempotent and counted; the detail and the list show the count and the caller’s flag', async () => {
      const [author, b, c] = [await signUp(), await signUp(), await signUp()];
      const id = await publish(author);
      expect((await call('PUT', `${C}/likes/article/${id}`, { as: b })).body).toEqual({ liked: true, like_count: 1 });
      expect((await call('PUT', `${C}/likes/article/${id}`, { as: b })).body).toMatchObject({ liked: true });
      expect((await call('PUT', `${C}/likes/article/${id}`, { as: c })).status).toBe(200);
      const seen = await until(() => detail(id, b), (r) => r.body.article.like_count === 2);
      expect(seen.body.article).toMatchObject({ like_count: 2, liked: true });
      expect((await detail(id, author)).body.article.liked).toBe(false);
      expect((await detail(id)).body.article).toMatchObject({ like_count: 2, liked: false });
      // Signed-in details read in the same moment are answered together (one call per turn):
      // each reader still gets their own flag.
      const readers = [b, author, c, undefined, b, author];
      const together = await Promise.all(readers.map((as) => detail(id, as)));
      expect(together.map((r) => r.body.article.liked)).toEqual([true, false, true, false, true, false]);
      const list = await call('GET', `${C}/users/${author.id}/articles`, { as: c });
      expect(list.body.articles[0]).toMatchObject({ id, like_count: 2, liked: true });
      // The stored count the "by likes" order sorts on follows too.
      const other = await publish(author);
      await until(
        async () => (await call('GET', `${C}/users/${author.id}/articles?sort=likes`)).body.articles.map((a: { id: number }) => a.id),
        (ids: number[]) => ids[0] === id,
      );
      expect((await call('GET', `${C}/users/${author.id}/articles?sort=likes`)).body.articles.map((a: { id: number }) => a.id)).toEqual([id, other]);
      expect((await call('DELETE', `${C}/likes/article/${id}`, { as: b })).body).toMatchObject({ liked: false });
      expect((await call('DELETE', `${C}/likes/article/${id}`, { as: b })).body).toMatchObject({ liked: false });
      const after = await until(() => detail(id, b), (r) => r.body.article.like_count === 1);
      expect(after.body.article).toMatchObject({ like_count: 1, liked: false });
    });

    it('comments thread one level, mask configured words, and are counted on the article', async () => {
      const [author, b, c] = [await signUp(), await signUp(), await signUp()];
      const id = await publish(author);
      const top = await call('POST', `${C}/comments`, { as: b, body: { biz: 'article', target_id: id, content: 'well, shit happens' } });
      expect(top.status).toBe(201);
      expect(top.body.comment).toMatchObject({ biz: 'article', target_id: id, user: { id: b.id }, content: 'well, **** happens', root_id: null, reply_to_user: null });
      const reply = await call('POST', `${C}/comments`, { as: c, body: { biz: 'article', target_id: id, content: 'agreed', reply_to: top.body.comment.id } });
      expect(reply.body.comment).toMatchObject({ root_id: top.body.comment.id, reply_to_user: { id: b.id } });
      const tops = await call('GET', `${C}/comments?biz=article&target_id=${id}`);
      expect(tops.body).toMatchObject({ is_end: true, next_cursor: '' });
      expect(tops.body.comments.map((x: { id: number; reply_count: number }) => [x.id, x.reply_count])).toEqual([[top.body.comment.id, 1]]);
      const thread = await call('GET', `${C}/comments?biz=article&target_id=${id}&root_id=${top.body.comment.id}`);
      expect(thread.body.comments.map((x: { id: number }) => x.id)).toEqual([reply.body.comment.id]);
      const seen = await until(() => detail(id), (r) => r.body.article.comment_count === 2);
      expect(seen.body.article.comment_count).toBe(2);
    });

    it("removes a comment for its author or the target's owner only: another user's id is 403 and changes nothing", async () => {
      const [author, b, c] = [await signUp(), await signUp(), await signUp()];
      const id = await publish(author);
      const mine = (await call('POST', `${C}/comments`, { as: b, body: { biz: 'article', target_id: id, content: 'mine' } })).body.comment.id as number;
      const theirs = (await call('POST', `${C}/comments`, { as: c, body: { biz: 'article', target_id: id, content: 'theirs' } })).body.comment.id as number;
      const refused = await call('DELETE', `${C}/comments/${theirs}`, { as: b });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain('user_id');
      expect((await call('DELETE', `${C}/comments/${mine}`, { as: b })).status).toBe(204);
      // The article's author removes a stranger's comment on it.
      expect((await call('DELETE', `${C}/comments/${theirs}`, { as: author })).status).toBe(204);
      expect((await call('DELETE', `${C}/comments/${theirs}`, { as: author })).status).toBe(404);
      expect((await call('GET', `${C}/comments?biz=article&target_id=${id}`)).body.comments).toEqual([]);
    });

    it('likes and comments on a question use the same routes', async () => {
      const [asker, b] = [await signUp(), await signUp()];
      const q = await call('POST', `${C}/questions`, { as: asker, body: { title: 'How?', content: 'Please.' } });
      expect(q.status).toBe(201);
      const qid = q.body.question.id as number;
      expect((await call('PUT', `${C}/likes/question/${qid}`, { as: b })).body).toEqual({ liked: true, like_count: 1 });
      const comment = await call('POST', `${C}/comments`, { as: b, body: { biz: 'question', target_id: qid, content: 'good one' } });
      expect(comment.status).toBe(201);
      // The asker owns the question, so may remove comments on it.
      expect((await call('DELETE', `${C}/comments/${comment.body.comment.id}`, { as: asker })).status).toBe(204);
      expect((await call('PUT', `${C}/likes/question/987654321`, { as: b })).status).toBe(404);
    });

    it('counts detail reads as views, and the hot list puts the liked article first', async () => {
      const [author, b, c] = [await signUp(), await signUp(), await signUp()];
      const liked = await publish(author);
      const read = await publish(author);
      for (const as of [b, c]) expect((await call('PUT', `${C}/likes/article/${liked}`, { as })).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await detail(read)).status).toBe(200);
      // The author's list shows the stored views (a detail read would count itself).
      const views = await until(
        async () => (await call('GET', `${C}/users/${author.id}/articles`)).body.articles.find((a: { id: number }) => a.id === read)?.view_count as number,
        (n) => n === 3,
      );
      expect(views).toBe(3);
      const hot = await until(
        async () => (await call('GET', `${C}/articles/hot?limit=50`)).body.articles.map((a: { id: number }) => a.id) as number[],
        (ids) => ids.indexOf(liked) >= 0 && ids.indexOf(liked) < ids.indexOf(read),
      );
      expect(hot.indexOf(liked)).toBeLessThan(hot.indexOf(read));
    });

    it("keeps a draft its author's alone: nobody else reads, likes, comments on, edits or finds it until it is published", async () => {
      const [author, other] = [await signUp(), await signUp()];
      const made = await call('POST', `${C}/articles`, { as: author, body: { title: 'not yet', content: 'draft body', draft: true } });
      expect(made.status).toBe(201);
      expect(made.body.article.status).toBe('draft');
      const id = made.body.article.id as number;
      expect((await detail(id, author)).status).toBe(200);
      for (const as of [other, undefined]) expect((await detail(id, as)).status).toBe(404);
      expect((await call('PUT', `${C}/likes/article/${id}`, { as: other })).status).toBe(404);
      expect((await call('POST', `${C}/comments`, { as: other, body: { biz: 'article', target_id: id, content: 'peek' } })).status).toBe(404);
      expect((await call('PATCH', `${C}/articles/${id}`, { as: other, body: { title: 'mine now' } })).status).toBe(404);
      expect((await call('DELETE', `${C}/articles/${id}`, { as: other })).status).toBe(404);
      expect((await call('GET', `${C}/users/${author.id}/articles`)).body.articles).toEqual([]);
      expect((await call('GET', `${C}/me/drafts`, { as: author })).body.articles.map((a: { id: number }) => a.id)).toEqual([id]);
      expect((await call('GET', `${C}/me/drafts`, { as: other })).body.articles).toEqual([]);
      const published = await call('PATCH', `${C}/articles/${id}`, { as: author, body: { publish: true } });
      expect(published.body.article).toMatchObject({ status: 'published', title: 'not yet' });
      expect((await detail(id, other)).status).toBe(200);
      expect((await call('GET', `${C}/me/drafts`, { as: author })).body.articles).toEqual([]);
    });

    it('searches questions as it searches articles, with the same route', async () => {
      const asker = await signUp();
      const word = `zq${Date.now().toString(36)}`;
      const q = await call('POST', `${C}/questions`, { as: asker, body: { title: `手机 ${word} 怎么选`, content: '预算三千' } });
      const found = await call('GET', `${C}/search?type=questions&q=${encodeURIComponent(`${word} 手机`)}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ questions: [{ id: q.body.question.id, author: { id: asker.id } }], is_end: true });
      expect((await call('GET', `${C}/search?q=${word}`)).body.articles).toEqual([]);
    });
  });
}
