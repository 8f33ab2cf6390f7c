// Every community route gets bad input and must answer a 4xx with a stable code and a message
// naming the field: never a 500, a stack trace or SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../packages/kit/media/testing/png.js';
import { startTestSystem, type TestSystem } from './harness.js';

const C = '/api/v1/community';
let sys: TestSystem;
let token = '';
let articleId = 0;
let likesCursor = '';
beforeAll(async () => {
  sys = await startTestSystem('embedded');
  const reg = JSON.parse((await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username: 'communitybad', password: 'secret123' } })).body) as { id: number; token: string };
  token = reg.token;
  const auth = { authorization: `Bearer ${token}` };
  for (let i = 0; i < 2; i++) {
    const res = await sys.app.inject({ method: 'POST', url: `${C}/articles`, headers: auth, payload: { title: `t${i}`, content: 'c' } });
    articleId = (JSON.parse(res.body) as { article: { id: number } }).article.id;
  }
  likesCursor = (JSON.parse((await sys.app.inject({ method: 'GET', url: `${C}/users/${reg.id}/articles?sort=likes&limit=1` })).body) as { next_cursor: string }).next_cursor;
});
afterAll(async () => sys?.stop());

type Case = [name: string, method: string, url: string, opts: { body?: unknown; raw?: string | Buffer; contentType?: string; auth?: 'user' | string }, status: number, code: number, mentions: string];

const ID_FORMS = ['0', '-1', 'abc', '1.5', '01', '1e3', '99999999999999999'];
const q = (url: string, more: string) => `${url}${url.includes('?') ? '&' : '?'}${more}`;
const paged = (url: string): Case[] => [
  ['limit 0', 'GET', q(url, 'limit=0'), {}, 400, 40001, 'limit'],
  ['limit 51', 'GET', q(url, 'limit=51'), {}, 400, 40001, 'limit'],
  ['limit not a number', 'GET', q(url, 'limit=ten'), {}, 400, 40001, 'limit'],
  ['cursor with bad characters', 'GET', q(url, 'cursor=a%2Fb'), {}, 400, 40001, 'cursor'],
  ['a forged cursor', 'GET', q(url, 'cursor=Zm9yZ2Vk'), {}, 400, 40001, 'cursor'],
  ['cursor too long', 'GET', q(url, `cursor=${'a'.repeat(201)}`), {}, 400, 40001, 'cursor'],
  ['an unknown parameter', 'GET', q(url, 'page=2'), {}, 400, 40001, 'page'],
];
const GOOD = { title: 'a title', content: 'a body' };
/** A cover URL of the right shape naming an image that was never uploaded. */
const NEVER_UPLOADED = `${C}/images/00000000-0000-4000-8000-000000000000.png`;

const articleBodies = (method: 'POST' | 'PATCH', url: string): Case[] => [
  ['title empty', method, url, { auth: 'user', body: { ...GOOD, title: '' } }, 400, 40001, 'title'],
  ['title of spaces', method, url, { auth: 'user', body: { ...GOOD, title: '   ' } }, 400, 40001, 'title'],
  ['title of 101 characters', method, url, { auth: 'user', body: { ...GOOD, title: '文'.repeat(101) } }, 400, 40001, 'title'],
  ['title on two lines', method, url, { auth: 'user', body: { ...GOOD, title: 'a\nb' } }, 400, 40001, 'title'],
  ['title with a control character', method, url, { auth: 'user', body: { ...GOOD, title: 'a\u0000b' } }, 400, 40001, 'title'],
  ['title with a lone surrogate', method, url, { auth: 'user', raw: `{"title":"a\\ud800","content":"c"}` }, 400, 40001, 'title'],
  ['title not a string', method, url, { auth: 'user', body: { ...GOOD, title: 5 } }, 400, 40001, 'title'],
  ['content empty', method, url, { auth: 'user', body: { ...GOOD, content: '' } }, 400, 40001, 'content'],
  ['content of 20,001 characters', method, url, { auth: 'user', body: { ...GOOD, content: 'x'.repeat(20_001) } }, 400, 40001, 'content'],
  ['content with a bidi override', method, url, { auth: 'user', body: { ...GOOD, content: 'a\u202eb' } }, 400, 40001, 'content'],
  ['six tags', method, url, { auth: 'user', body: { ...GOOD, tags: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 400, 40001, 'tags'],
  ['an empty tag', method, url, { auth: 'user', body: { ...GOOD, tags: [''] } }, 400, 40001, 'tags'],
  ['a tag of 21 characters', method, url, { auth: 'user', body: { ...GOOD, tags: ['t'.repeat(21)] } }, 400, 40001, 'tags'],
  ['tags not a list', method, url, { auth: 'user', body: { ...GOOD, tags: 'go' } }, 400, 40001, 'tags'],
  ['a cover from elsewhere', method, url, { auth: 'user', body: { ...GOOD, cover_url: 'https://evil.example.com/x.png' } }, 400, 40001, 'cover_url'],
  ['a javascript: cover', method, url, { auth: 'user', body: { ...GOOD, cover_url: 'javascript:alert(1)' } }, 400, 40001, 'cover_url'],
  ['a cover never uploaded', method, url, { auth: 'user', body: { ...GOOD, cover_url: NEVER_UPLOADED } }, 400, 40001, 'cover_url'],
  ['a cover of 513 characters', method, url, { auth: 'user', body: { ...GOOD, cover_url: `/${'a'.repeat(512)}` } }, 400, 40001, 'cover_url'],
  ['an author_id in the body', method, url, { auth: 'user', body: { ...GOOD, author_id: 1 } }, 400, 40001, 'author_id'],
  ['a body that is not JSON', method, url, { auth: 'user', raw: '{"title":' }, 400, 40001, 'body'],
  ['without a token', method, url, { body: GOOD }, 401, 40101, 'Authorization'],
  ['with a bad token', method, url, { auth: 'Bearer x.y.z', body: GOOD }, 401, 40101, 'token'],
];

const cases: Case[] = [
  // POST /articles
  ...articleBodies('POST', `${C}/articles`),
  ['publish without a body', 'POST', `${C}/articles`, { auth: 'user' }, 400, 40001, 'body'],
  ['publish without a title', 'POST', `${C}/articles`, { auth: 'user', body: { content: 'c' } }, 400, 40001, 'title'],
  ['publish without content', 'POST', `${C}/articles`, { auth: 'user', body: { title: 't' } }, 400, 40001, 'content'],
  // PATCH /articles/:id
  ...articleBodies('PATCH', `${C}/articles/{id}`),
  ...ID_FORMS.map((id): Case => ['edit id ' + id, 'PATCH', `${C}/articles/${id}`, { auth: 'user', body: GOOD }, 400, 40001, 'id']),
  ['edit with nothing to change', 'PATCH', `${C}/articles/{id}`, { auth: 'user', body: {} }, 400, 40001, 'body'],
  ['edit of an article that does not exist', 'PATCH', `${C}/articles/987654321`, { auth: 'user', body: GOOD }, 404, 40401, 'article'],
  // DELETE /articles/:id
  ...ID_FORMS.map((id): Case => ['delete id ' + id, 'DELETE', `${C}/articles/${id}`, { auth: 'user' }, 400, 40001, 'id']),
  ['delete of an article that does not exist', 'DELETE', `${C}/articles/987654321`, { auth: 'user' }, 404, 40401, 'article'],
  ['delete without a token', 'DELETE', `${C}/articles/{id}`, {}, 401, 40101, 'Authorization'],
  // GET /articles/:id
  ...ID_FORMS.map((id): Case => ['detail id ' + id, 'GET', `${C}/articles/${id}`, {}, 400, 40001, 'id']),
  ['detail of an article that does not exist', 'GET', `${C}/articles/987654321`, {}, 404, 40401, 'article'],
  ['detail with a bad token', 'GET', `${C}/articles/{id}`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
  // drafts
  ['publish with draft not a boolean', 'POST', `${C}/articles`, { auth: 'user', body: { ...GOOD, draft: 'yes' } }, 400, 40001, 'draft'],
  ['edit with publish false', 'PATCH', `${C}/articles/{id}`, { auth: 'user', body: { publish: false } }, 400, 40001, 'publish'],
  ['my drafts without a token', 'GET', `${C}/me/drafts`, {}, 401, 40101, 'Authorization'],
  ...paged(`${C}/me/drafts`).map((c): Case => [c[0], c[1], c[2], { ...c[3], auth: 'user' }, c[4], c[5], c[6]]),
  ['my drafts of another user', 'GET', `${C}/me/drafts?author_id=1`, { auth: 'user' }, 400, 40001, 'author_id'],
  // GET /articles/hot
  ...paged(`${C}/articles/hot`),
  ['hot list with a search cursor', 'GET', `${C}/articles/hot?cursor={likesCursor}`, {}, 400, 40001, 'cursor'],
  // GET /users/:id/articles
  ...paged(`${C}/users/1/articles`),
  ...ID_FORMS.map((id): Case => ['author id ' + id, 'GET', `${C}/users/${id}/articles`, {}, 400, 40001, 'id']),
  ['unknown sort', 'GET', `${C}/users/1/articles?sort=hot`, {}, 400, 40001, 'sort'],
  ["a likes cursor given to the newest list", 'GET', `${C}/users/1/articles?sort=newest&cursor={likesCursor}`, {}, 400, 40001, 'cursor'],
  // GET /search
  ...paged(`${C}/search?q=a`),
  ['search without q', 'GET', `${C}/search`, {}, 400, 40001, 'q'],
  ['search with an empty q', 'GET', `${C}/search?q=`, {}, 400, 40001, 'q'],
  ['search with a q of 51 characters', 'GET', `${C}/search?q=${encodeURIComponent('手'.repeat(51))}`, {}, 400, 40001, 'q'],
  ['search with a control character', 'GET', `${C}/search?q=a%00b`, {}, 400, 40001, 'q'],
  ['search with nothing to search for', 'GET', `${C}/search?q=${encodeURIComponent('!!! ---')}`, {}, 400, 40001, 'q'],
  ['search of users', 'GET', `${C}/search?q=a&type=users`, {}, 400, 40001, 'type'],
  ...paged(`${C}/search?q=a&type=questions`),
  // PUT|DELETE /likes/:biz/:target_id
  ...(['PUT', 'DELETE'] as const).flatMap((m): Case[] => [
    ...ID_FORMS.map((id): Case => [`${m} like of target id ${id}`, m, `${C}/likes/article/${id}`, { auth: 'user' }, 400, 40001, 'target_id']),
    [`${m} like of an unknown business`, m, `${C}/likes/book/{id}`, { auth: 'user' }, 400, 40001, 'biz'],
    [`${m} like of an upper-case business`, m, `${C}/likes/Article/{id}`, { auth: 'user' }, 400, 40001, 'biz'],
    [`${m} like of an article that does not exist`, m, `${C}/likes/article/987654321`, { auth: 'user' }, 404, 40401, 'target_id'],
    [`${m} like of a video that does not exist`, m, `${C}/likes/video/987654321`, { auth: 'user' }, 404, 40401, 'target_id'],
    [`${m} like without a token`, m, `${C}/likes/article/{id}`, {}, 401, 40101, 'Authorization'],
    [`${m} like with a bad token`, m, `${C}/likes/article/{id}`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
  ]),
  // POST /comments
  ['comment without a token', 'POST', `${C}/comments`, { body: { biz: 'article', target_id: 1, content: 'x' } }, 401, 40101, 'Authorization'],
  ['comment without a body', 'POST', `${C}/comments`, { auth: 'user' }, 400, 40001, 'body'],
  ['comment without biz', 'POST', `${C}/comments`, { auth: 'user', body: { target_id: 1, content: 'x' } }, 400, 40001, 'biz'],
  ['comment on an unknown business', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'book', target_id: 1, content: 'x' } }, 400, 40001, 'biz'],
  ['comment with target_id 0', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: 0, content: 'x' } }, 400, 40001, 'target_id'],
  ['comment with target_id as text', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '5', content: 'x' } }, 400, 40001, 'target_id'],
  ['comment on an article that does not exist', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: 987654321, content: 'x' } }, 404, 40401, 'target_id'],
  ['comment empty', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: '' } }, 400, 40001, 'content'],
  ['comment of spaces', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: '   ' } }, 400, 40001, 'content'],
  ['comment of 1,001 characters', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: '字'.repeat(1001) } }, 400, 40001, 'content'],
  ['comment with a bidi override', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: 'a\u202eb' } }, 400, 40001, 'content'],
  ['reply to a comment that does not exist', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: 'x', reply_to: 987654321 } }, 404, 40401, 'reply_to'],
  ['reply_to 0', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: 'x', reply_to: 0 } }, 400, 40001, 'reply_to'],
  ['a user_id in the comment', 'POST', `${C}/comments`, { auth: 'user', body: { biz: 'article', target_id: '{id}', content: 'x', user_id: 1 } }, 400, 40001, 'user_id'],
  // GET /comments
  ...paged(`${C}/comments?biz=article&target_id=1`),
  ['comments without biz', 'GET', `${C}/comments?target_id=1`, {}, 400, 40001, 'biz'],
  ['comments without target_id', 'GET', `${C}/comments?biz=article`, {}, 400, 40001, 'target_id'],
  ...ID_FORMS.map((id): Case => ['comments of target id ' + id, 'GET', `${C}/comments?biz=article&target_id=${id}`, {}, 400, 40001, 'target_id']),
  ...ID_FORMS.map((id): Case => ['replies under root id ' + id, 'GET', `${C}/comments?biz=article&target_id=1&root_id=${id}`, {}, 400, 40001, 'root_id']),
  // DELETE /comments/:id
  ...ID_FORMS.map((id): Case => ['remove comment id ' + id, 'DELETE', `${C}/comments/${id}`, { auth: 'user' }, 400, 40001, 'id']),
  ['remove a comment that does not exist', 'DELETE', `${C}/comments/987654321`, { auth: 'user' }, 404, 40401, 'comment_id'],
  ['remove a comment without a token', 'DELETE', `${C}/comments/1`, {}, 401, 40101, 'Authorization'],
  // POST /uploads
  ['upload without a token', 'POST', `${C}/uploads`, { raw: pngImage(), contentType: 'image/png' }, 401, 40101, 'Authorization'],
  ['upload without a body', 'POST', `${C}/uploads`, { auth: 'user', raw: Buffer.alloc(0), contentType: 'image/png' }, 400, 40001, 'body'],
  ['upload of text', 'POST', `${C}/uploads`, { auth: 'user', raw: 'hello, not an image', contentType: 'image/png' }, 400, 40001, 'body'],
  ['upload of JSON', 'POST', `${C}/uploads`, { auth: 'user', raw: '{"url":"x"}', contentType: 'application/json' }, 400, 40001, 'body'],
  ['upload of an SVG', 'POST', `${C}/uploads`, { auth: 'user', raw: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', contentType: 'image/svg+xml' }, 400, 40001, 'body'],
  ['upload past 5 MiB', 'POST', `${C}/uploads`, { auth: 'user', raw: Buffer.concat([pngImage(), Buffer.alloc(5 * 1024 * 1024)]), contentType: 'image/png' }, 413, 41301, ''],
  // GET /images/:file
  ['an image name that is not <uuid>.<ext>', 'GET', `${C}/images/x.png`, {}, 400, 40001, 'file'],
  ['an image with a path in its name', 'GET', `${C}/images/..%2F..%2Fsecret.png`, {}, 400, 40001, 'file'],
  ['an image that was never uploaded', 'GET', NEVER_UPLOADED, {}, 404, 40401, ''],
];

describe('community routes refuse bad input with a 4xx naming the field', () => {
  it.each(cases)('%s: %s %s', async (_name, method, rawUrl, o, status, code, mentions) => {
    const url = rawUrl.replace('{id}', String(articleId)).replace('{likesCursor}', likesCursor);
    const auth = o.auth === 'user' ? `Bearer ${token}` : o.auth;
    const res = await sys.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(auth ? { authorization: auth } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': o.contentType ?? 'application/json' } : {}) },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body).replace('"{id}"', String(articleId))), // a target_id of '{id}' is the article
    });
    expect(res.statusCode, res.body).toBe(status);
    const body = JSON.parse(res.body);
    expect(body.code).toBe(code);
    expect(body.message).toContain(mentions);
    expect(res.body).not.toMatch(/at \w+ \(|SELECT|INSERT|DELETE FROM|sqlite|mysql/i);
  });

  it('changed nothing: the article the edits aimed at is as it was written', async () => {
    const res = await sys.app.inject({ method: 'GET', url: `${C}/articles/${articleId}` });
    expect(JSON.parse(res.body).article).toMatchObject({ id: articleId, title: 't1', content: 'c', tags: [], cover_url: null });
  });
});
