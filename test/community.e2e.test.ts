// The community's articles end to end, as a client uses them, in embedded mode and on the real
// servers (MariaDB, Redis, NATS, S3): an image uploaded and used as a cover, an article published,
// read, edited (the cached detail follows) and deleted; an author's list paged in both orders
// across ties; search in Chinese and Latin text; and another user refused every write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../packages/kit/media/testing/png.js';
import { requireServer, servers } from '#kit/testing';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const COMMUNITY = '/api/v1/community';

interface ArticleJson {
  id: number;
  title: string;
  content: string;
  summary?: string;
  cover_url: string | null;
  tags: string[];
  author: { id: number; name: string; avatar: string };
  like_count: number;
  comment_count: number;
  view_count: number;
  liked: boolean;
  created_at: number;
  updated_at?: number;
}

describe.each(modes)('community articles (%s)', (mode) => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;

  const call = async (method: string, url: string, o: { body?: unknown; raw?: Buffer; contentType?: string; token?: string } = {}) => {
    const res = await sys.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: '127.0.0.1',
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.raw !== undefined ? { 'content-type': o.contentType ?? 'application/octet-stream' } : {}),
      },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    const json = res.headers['content-type']?.toString().startsWith('application/json');
    return { status: res.statusCode, body: res.body && json ? JSON.parse(res.body) : res.body, raw: res.rawPayload, headers: res.headers };
  };
  const signUp = async () => {
    const username = uniq('writer');
    const res = await call('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } });
    expect(res.status).toBe(201);
    return { ...(res.body as { id: number; token: string }), username };
  };
  const publish = async (token: string, fields: Record<string, unknown> = {}) => {
    const res = await call('POST', `${COMMUNITY}/articles`, { token, body: { title: uniq('title '), content: 'Some **Markdown** here.', ...fields } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.article as ArticleJson;
  };
  /** Every article of a list, page by page; fails past `maxPages` (a cursor that never ends). */
  const pageAll = async (url: string, limit: number, maxPages = 50) => {
    const seen: ArticleJson[] = [];
    let cursor = '';
    for (let page = 0; page < maxPages; page++) {
      const res = await call('GET', `${url}${url.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.articles.length).toBeLessThanOrEqual(limit);
      seen.push(...res.body.articles);
      if (res.body.is_end) {
        expect(res.body.next_cursor).toBe('');
        return seen;
      }
      expect(res.body.articles).toHaveLength(limit);
      cursor = res.body.next_cursor;
    }
    throw new Error(`${url}: still not at the end after ${maxPages} pages`);
  };
  /** The bytes behind an image URL: through the gateway for a path, from the store for a full URL (S3). */
  const fetchImage = async (url: string) => {
    if (url.startsWith('/')) {
      const res = await call('GET', url);
      return { status: res.status, type: String(res.headers['content-type']), bytes: res.raw };
    }
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
  };

  let alice: { id: number; token: string; username: string };
  let bob: { id: number; token: string; username: string };

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 });
    alice = await signUp();
    bob = await signUp();
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('uploads a real PNG and serves it back as image/png; refuses a body that is not an image', async () => {
    const png = pngImage(4, 3);
    const up = await call('POST', `${COMMUNITY}/uploads`, { token: alice.token, raw: png, contentType: 'image/png' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.url).toMatch(/community\/images\/[0-9a-f-]{36}\.png$/);
    const image = await fetchImage(up.body.url);
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/png');
    expect(Buffer.compare(image.bytes, png)).toBe(0);

    // HTML sent as image/png: the first bytes decide, and nothing is stored.
    const html = await call('POST', `${COMMUNITY}/uploads`, { token: alice.token, raw: Buffer.from('<html><script>alert(1)</script></html>'), contentType: 'image/png' });
    expect(html.status).toBe(400);
    expect(html.body).toMatchObject({ code: 40001, message: expect.stringContaining('body') });
    const anonymous = await call('POST', `${COMMUNITY}/uploads`, { raw: png, contentType: 'image/png' });
    expect(anonymous.status).toBe(401);
  });

  it('publishes, shows the detail with its author, edits (the cached detail follows) and deletes', async () => {
    const up = await call('POST', `${COMMUNITY}/uploads`, { token: alice.token, raw: pngImage(), contentType: 'image/png' });
    const article = await publish(alice.token, { title: '我的第一篇文章', content: '# Hello\n\n正文 **Markdown**', cover_url: up.body.url, tags: ['随笔', 'intro'] });
    expect(article).toMatchObject({ title: '我的第一篇文章', content: '# Hello\n\n正文 **Markdown**', cover_url: up.body.url, tags: ['随笔', 'intro'], like_count: 0, comment_count: 0, view_count: 0, liked: false });
    expect(article.author.id).toBe(alice.id);

    const detail = await call('GET', `${COMMUNITY}/articles/${article.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.article).toEqual(article);
    // Signed in, the same (liked stays false until likes exist).
    expect((await call('GET', `${COMMUNITY}/articles/${article.id}`, { token: bob.token })).body.article).toEqual(article);

    const edited = await call('PATCH', `${COMMUNITY}/articles/${article.id}`, { token: alice.token, body: { title: '改过的标题', cover_url: null, tags: [] } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.article).toMatchObject({ id: article.id, title: '改过的标题', content: article.content, cover_url: null, tags: [] });
    expect((await call('GET', `${COMMUNITY}/articles/${article.id}`)).body.article).toEqual(edited.body.article);

    const gone = await call('DELETE', `${COMMUNITY}/articles/${article.id}`, { token: alice.token });
    expect(gone.status).toBe(204);
    const after = await call('GET', `${COMMUNITY}/articles/${article.id}`);
    expect(after.status).toBe(404);
    expect(after.body.code).toBe(40401);
    expect((await call('DELETE', `${COMMUNITY}/articles/${article.id}`, { token: alice.token })).status).toBe(404);
  });

  it("refuses another user's edit and delete with 403, and leaves the article as it was", async () => {
    const article = await publish(alice.token, { title: 'alice only', tags: ['mine'] });
    const edit = await call('PATCH', `${COMMUNITY}/articles/${article.id}`, { token: bob.token, body: { title: 'bob was here' } });
    expect(edit.status).toBe(403);
    expect(edit.body).toMatchObject({ code: 40301, message: expect.stringContaining('author') });
    const del = await call('DELETE', `${COMMUNITY}/articles/${article.id}`, { token: bob.token });
    expect(del.status).toBe(403);
    expect(del.body.code).toBe(40301);
    // Bob's own cover on Alice's article is refused too (it is still Alice's to edit).
    expect((await call('PATCH', `${COMMUNITY}/articles/${article.id}`, { token: bob.token, body: { cover_url: null } })).status).toBe(403);
    expect((await call('GET', `${COMMUNITY}/articles/${article.id}`)).body.article).toEqual(article);
    const list = await pageAll(`${COMMUNITY}/users/${alice.id}/articles`, 50);
    expect(list.map((a) => a.id)).toContain(article.id);
  });

  it("pages an author's articles newest first and by likes (all tied at 0: by id), each exactly once", async () => {
    const author = await signUp();
    const written: ArticleJson[] = [];
    for (let i = 0; i < 7; i++) written.push(await publish(author.token, { content: `第 ${i} 篇，足够长的正文`.repeat(20) }));
    await publish(bob.token); // another author's: never in the list

    const newest = await pageAll(`${COMMUNITY}/users/${author.id}/articles?sort=newest`, 3);
    expect(newest.map((a) => a.id)).toEqual([...written].sort((a, b) => b.created_at - a.created_at || b.id - a.id).map((a) => a.id));
    expect(newest[0]).toMatchObject({ author: { id: author.id }, liked: false, like_count: 0 });
    expect([...newest[0]!.summary!].length).toBe(140);
    expect(newest[0]).not.toHaveProperty('content');

    const byLikes = await pageAll(`${COMMUNITY}/users/${author.id}/articles?sort=likes`, 2);
    expect(byLikes.map((a) => a.id)).toEqual(written.map((a) => a.id).sort((a, b) => b - a));
    // The default is newest.
    expect((await pageAll(`${COMMUNITY}/users/${author.id}/articles`, 50)).map((a) => a.id)).toEqual(newest.map((a) => a.id));
    // A user without articles: an empty last page.
    expect((await call('GET', `${COMMUNITY}/users/987654321/articles`)).body).toEqual({ articles: [], next_cursor: '', is_end: true });
  });

  it('searches Chinese two-character words and Latin words, and forgets deleted articles', async () => {
    const tag = uniq('zq');
    const phone = await publish(alice.token, { title: `华为手机评测 ${tag}`, content: '续航和拍照' });
    const inBody = await publish(bob.token, { title: `一周记录 ${tag}`, content: '换了新手机，顺便试了 iPhone 15 Pro' });
    const keyboard = await publish(bob.token, { title: `机械键盘 ${tag}`, content: '手感很好' });
    const ids = async (q: string) => (await pageAll(`${COMMUNITY}/search?type=articles&q=${encodeURIComponent(q)}`, 1)).map((a) => a.id);

    expect(await ids(`手机 ${tag}`)).toEqual([phone.id, inBody.id]);
    expect(await ids(`IPHONE ${tag}`)).toEqual([inBody.id]);
    expect(await ids(`iphone 15 pro ${tag}`)).toEqual([inBody.id]);
    expect(await ids(`键盘 ${tag}`)).toEqual([keyboard.id]);
    expect(await ids(`键盘手机 ${tag}`)).toEqual([]);
    const hit = (await call('GET', `${COMMUNITY}/search?q=${encodeURIComponent(`华为 ${tag}`)}`)).body.articles[0] as ArticleJson;
    expect(hit).toMatchObject({ id: phone.id, author: { id: alice.id } });

    expect((await call('DELETE', `${COMMUNITY}/articles/${phone.id}`, { token: alice.token })).status).toBe(204);
    expect(await ids(`手机 ${tag}`)).toEqual([inBody.id]);
  });

  it('is in the OpenAPI document, every route', async () => {
    const api = await call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(
      expect.arrayContaining([`${COMMUNITY}/articles`, `${COMMUNITY}/articles/{id}`, `${COMMUNITY}/users/{id}/articles`, `${COMMUNITY}/search`, `${COMMUNITY}/uploads`, `${COMMUNITY}/images/{file}`]),
    );
  });
});
