// Security probes of the community face, /api/v1/community (docs/security.md, "Probes";
// docs/api/community.md for the routes): another user's ids on every route that owns something,
// every kind of bad token on every signed-in route, hostile text and bodies, and hostile uploads.
// Each probe asserts the exact answer and then that nothing changed, so it fails if the hole it
// names opens. Every error body met on the way is checked for stack traces, SQL and file paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../../packages/kit/media/testing/png.js';
import { startTestSystem, type TestSystem } from '../harness.js';

const C = '/api/v1/community';
const JSON_TYPE = 'application/json; charset=utf-8';

interface User {
  id: number;
  token: string;
  username: string;
}
interface Answer {
  status: number;
  /** The parsed JSON (replies of many shapes, read field by field), or the text of any other type. */
  body: any;
  text: string;
  type: string;
  headers: Record<string, unknown>;
  raw: Buffer;
}

/** What an error body must never carry: a stack frame, a source or install path, a driver's SQL or error code. */
const LEAKS = /\bat \S+ \(|\.(?:ts|js|mjs|cjs):\d+|\/work\/|\/home\/|\/tmp\/|node_modules|SQLITE_|\bER_[A-Z_]{3,}|SQL syntax|syntax error|\bSELECT\b[^"]*\bFROM\b|\bstack\b/;

let sys: TestSystem;
let seq = 0;
const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;
/** Every error answer seen, checked for leaks at the end and as they come. */
const errorsSeen: { what: string; text: string }[] = [];

async function call(method: string, url: string, o: { body?: unknown; json?: string; raw?: Buffer; contentType?: string; token?: string; auth?: string } = {}): Promise<Answer> {
  const auth = o.auth ?? (o.token ? `Bearer ${o.token}` : undefined);
  const payload = o.raw ?? o.json ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const contentType = o.contentType ?? (o.raw ? 'application/octet-stream' : 'application/json');
  const res = await sys.app.inject({
    method: method as 'GET',
    url,
    remoteAddress: '127.0.0.1',
    headers: { ...(auth !== undefined ? { authorization: auth } : {}), ...(payload !== undefined ? { 'content-type': contentType } : {}) },
    ...(payload !== undefined ? { payload } : {}),
  });
  const type = String(res.headers['content-type'] ?? '');
  const answer = { status: res.statusCode, body: res.body && type.startsWith('application/json') ? JSON.parse(res.body) : res.body, text: res.body, type, headers: res.headers, raw: res.rawPayload };
  if (res.statusCode >= 400) {
    const what = `${method} ${url.slice(0, 120)} → ${res.statusCode}`;
    errorsSeen.push({ what, text: res.body });
    // Every refusal is Surge's JSON shape, whatever route or input caused it.
    expect(type, what).toBe(JSON_TYPE);
    // …and a browser never sniffs it as anything else.
    expect(res.headers['x-content-type-options'], what).toBe('nosniff');
    expect(Object.keys(answer.body).filter((k) => !['code', 'message', 'details'].includes(k)), what).toEqual([]);
    expect(res.body, what).not.toMatch(LEAKS);
  }
  return answer;
}

/** The call must answer exactly `status`; its body is returned. */
async function ok(method: string, url: string, o: Parameters<typeof call>[2] = {}, status = 200) {
  const res = await call(method, url, o);
  expect(res.status, `${method} ${url}: ${res.text.slice(0, 300)}`).toBe(status);
  return res.body;
}

const signUp = async (): Promise<User> => {
  const username = uniq('sec');
  const body = await ok('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } }, 201);
  return { ...(body as { id: number; token: string }), username };
};
/** An article without its view count: reading the detail is itself a view, counted a moment later. */
const unviewed = ({ view_count: _views, ...article }: Record<string, unknown>) => article;
const publish = async (who: User, fields: Record<string, unknown> = {}) =>
  unviewed((await ok('POST', `${C}/articles`, { token: who.token, body: { title: uniq('title '), content: 'Some **Markdown**.', ...fields } }, 201)).article) as Record<string, any>;
const articleOf = async (id: number) => unviewed((await ok('GET', `${C}/articles/${id}`)).article);
const commentsOf = async (biz: string, targetId: number) => (await ok('GET', `${C}/comments?biz=${biz}&target_id=${targetId}&limit=50`)).comments;
const notificationsOf = async (who: User) => ok('GET', `${C}/notifications?limit=50`, { token: who.token });
/** Reads until check holds (counts and notifications travel through the queue); fails after 15 s. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > end) throw new Error(`never matched: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
type NotificationPage = { notifications: { id: number; type: string; read: boolean; target: { biz: string; id: number } | null }[]; unread_count: number };
const notificationsUntil = (who: User, check: (page: NotificationPage) => boolean) => until<NotificationPage>(() => notificationsOf(who), check);

let alice: User;
let bob: User;
let carol: User;

beforeAll(async () => {
  sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
  [alice, bob, carol] = [await signUp(), await signUp(), await signUp()];
}, 120_000);
afterAll(async () => sys?.stop());

describe('the community face: another user’s ids', () => {
  it('refuses another user’s edit and delete of an article with 403, in every field, and leaves it as it was', async () => {
    const article = await publish(alice, { title: 'alice only', tags: ['mine'] });
    const up = await ok('POST', `${C}/uploads`, { token: bob.token, raw: pngImage(), contentType: 'image/png' }, 201);
    for (const patch of [{ title: 'bob was here' }, { content: 'defaced' }, { tags: [] }, { cover_url: null }, { cover_url: up.url }]) {
      const res = await call('PATCH', `${C}/articles/${article.id}`, { token: bob.token, body: patch });
      expect(res.status, JSON.stringify(patch)).toBe(403);
      expect(res.body).toMatchObject({ code: 40301 });
    }
    // An author_id in the body is not a way to act as the author: the schema refuses the field.
    const claimed = await call('PATCH', `${C}/articles/${article.id}`, { token: bob.token, body: { title: 'as alice', author_id: alice.id } });
    expect(claimed.status).toBe(400);
    expect(claimed.body).toMatchObject({ code: 40001, message: expect.stringContaining('author_id') });
    const del = await call('DELETE', `${C}/articles/${article.id}`, { token: bob.token });
    expect(del.status).toBe(403);
    expect(del.body).toMatchObject({ code: 40301 });
    expect(await articleOf(article.id)).toEqual(article);
  });

  it('publishes as the token’s user only: an author in the body is a 400 and nothing is stored', async () => {
    const title = uniq('impostor ');
    for (const field of ['author_id', 'user_id', 'author']) {
      const res = await call('POST', `${C}/articles`, { token: bob.token, body: { title, content: 'x', [field]: field === 'author' ? { id: alice.id } : alice.id } });
      expect(res.status, field).toBe(400);
      expect(res.body, field).toMatchObject({ code: 40001, message: expect.stringContaining(field) });
    }
    const [mine, hers] = [await ok('GET', `${C}/users/${bob.id}/articles?limit=50`), await ok('GET', `${C}/users/${alice.id}/articles?limit=50`)];
    expect([...mine.articles, ...hers.articles].filter((a: { title: string }) => a.title === title)).toEqual([]);
  });

  it('removes a comment for its author or the target’s owner only: anyone else gets 403 naming user_id, and it stays', async () => {
    const article = await publish(alice);
    const bobs = (await ok('POST', `${C}/comments`, { token: bob.token, body: { biz: 'article', target_id: article.id, content: 'bob says' } }, 201)).comment;
    const alices = (await ok('POST', `${C}/comments`, { token: alice.token, body: { biz: 'article', target_id: article.id, content: 'alice says' } }, 201)).comment;
    const reply = (await ok('POST', `${C}/comments`, { token: carol.token, body: { biz: 'article', target_id: article.id, content: 'carol replies', reply_to: bobs.id } }, 201)).comment;
    const before = await commentsOf('article', article.id);
    // Carol owns neither Bob's comment nor the article; Bob may not remove the owner's comment; Bob
    // may not remove Carol's reply under his comment either (he owns the comment, not the target).
    for (const [who, comment] of [[carol, bobs], [carol, alices], [bob, alices], [bob, reply]] as const) {
      const res = await call('DELETE', `${C}/comments/${comment.id}`, { token: who.token });
      expect(res.status, `${who.username} removes ${comment.content}`).toBe(403);
      expect(res.body).toMatchObject({ code: 40301, message: expect.stringContaining('user_id'), details: { field: 'user_id' } });
    }
    expect(await commentsOf('article', article.id)).toEqual(before);
    const replies = await ok('GET', `${C}/comments?biz=article&target_id=${article.id}&root_id=${bobs.id}`);
    expect(replies.comments.map((c: { id: number }) => c.id)).toEqual([reply.id]);
    // Control: the owner of the article removes Bob's comment (and its reply goes with it).
    expect((await call('DELETE', `${C}/comments/${bobs.id}`, { token: alice.token })).status).toBe(204);
    expect((await commentsOf('article', article.id)).map((c: { id: number }) => c.id)).toEqual([alices.id]);
  });

  it('lets only the asker accept an answer (403 naming user_id, nothing accepted); nobody votes on their own answer', async () => {
    const question = (await ok('POST', `${C}/questions`, { token: alice.token, body: { title: uniq('who accepts '), content: 'a question' } }, 201)).question;
    const answer = (await ok('POST', `${C}/questions/${question.id}/answers`, { token: bob.token, body: { content: 'bob answers' } }, 201)).answer;
    for (const who of [bob, carol]) {
      const res = await call('POST', `${C}/answers/${answer.id}/accept`, { token: who.token });
      expect(res.status, who.username).toBe(403);
      expect(res.body).toMatchObject({ code: 40301, message: expect.stringContaining('user_id') });
    }
    const own = await call('PUT', `${C}/answers/${answer.id}/vote`, { token: bob.token, body: { value: 1 } });
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: 40301 });
    // A voter in the body is refused, not read.
    const as = await call('PUT', `${C}/answers/${answer.id}/vote`, { token: carol.token, body: { value: -1, user_id: alice.id } });
    expect(as.status).toBe(400);
    const detail = await ok('GET', `${C}/questions/${question.id}`, { token: alice.token });
    expect(detail.question.accepted_answer_id).toBeNull();
    expect(detail.answers).toEqual([expect.objectContaining({ id: answer.id, accepted: false, score: 0, up_count: 0, down_count: 0, my_vote: 0 })]);
  });

  it('shows and marks only the caller’s notifications: another user’s ids are ignored, all means mine', async () => {
    const target = await signUp();
    await ok('PUT', `${C}/follows/${target.id}`, { token: bob.token });
    const theirs = await notificationsUntil(target, (p) => p.notifications.some((n) => n.type === 'follow'));
    const ids = theirs.notifications.map((n: { id: number }) => n.id);
    expect(theirs.unread_count).toBeGreaterThan(0);
    // Carol reads her own list: none of the target's ids appear in it.
    const hers = await notificationsOf(carol);
    expect(hers.notifications.filter((n: { id: number }) => ids.includes(n.id))).toEqual([]);
    // Carol marks the target's ids, and then all: answered with her own count, the target's untouched.
    expect(await ok('POST', `${C}/notifications/read`, { token: carol.token, body: { ids } })).toEqual({ unread_count: hers.unread_count });
    expect(await ok('POST', `${C}/notifications/read`, { token: carol.token, body: { all: true } })).toEqual({ unread_count: 0 });
    expect(await notificationsOf(target)).toEqual(theirs);
    // A user id in the query or body is refused, not read.
    for (const [method, url, body] of [['GET', `${C}/notifications?user_id=${target.id}`, undefined], ['POST', `${C}/notifications/read`, { all: true, user_id: target.id }]] as const) {
      const res = await call(method, url, { token: carol.token, body });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id') });
    }
    expect(await notificationsOf(target)).toEqual(theirs);
  });

  it('answers membership and VIP for the caller only: a user_id in the query or body is a 400', async () => {
    const mine = await ok('GET', `${C}/me/membership`, { token: carol.token });
    for (const url of [`${C}/me/membership?user_id=${alice.id}`, `${C}/me/membership?userId=${alice.id}`, `${C}/me/membership?id=${alice.id}`]) {
      const res = await call('GET', url, { token: carol.token });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ code: 40001 });
    }
    for (const body of [{ months: 1, user_id: alice.id }, { months: 1, userId: alice.id }]) {
      const res = await call('POST', `${C}/me/vip`, { token: carol.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining(Object.keys(body)[1]!) });
    }
    const vipQuery = await call('POST', `${C}/me/vip?user_id=${alice.id}`, { token: carol.token, body: { months: 1 } });
    expect(vipQuery.status).toBe(400);
    expect(await ok('GET', `${C}/me/membership`, { token: carol.token })).toEqual(mine);
  });

  it('follows and unfollows as the caller only: a follower_id in the query is a 400, one in a body is not read', async () => {
    const star = await signUp();
    const followingOf = async (who: User) => (await ok('GET', `${C}/users/${who.id}/following?limit=50`)).users.map((u: { id: number }) => u.id);
    const followersOf = async (who: User) => (await ok('GET', `${C}/users/${who.id}/followers?limit=50`)).users.map((u: { id: number }) => u.id);
    for (const method of ['PUT', 'DELETE']) {
      const res = await call(method, `${C}/follows/${star.id}?follower_id=${alice.id}`, { token: carol.token });
      expect(res.status, method).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('follower_id') });
    }
    expect(await followersOf(star)).toEqual([]);
    // A body naming another follower is not read (the routes take no body): the token's user follows.
    expect(await ok('PUT', `${C}/follows/${star.id}`, { token: carol.token, body: { follower_id: alice.id } })).toEqual({ following: true });
    expect(await followingOf(alice)).not.toContain(star.id);
    expect(await followersOf(star)).toEqual([carol.id]);
    // Unfollowing on Alice's behalf: Carol's unfollow takes only Carol's follow away.
    await ok('PUT', `${C}/follows/${star.id}`, { token: alice.token });
    expect(await ok('DELETE', `${C}/follows/${star.id}`, { token: carol.token, body: { follower_id: alice.id } })).toEqual({ following: false });
    expect(await followersOf(star)).toEqual([alice.id]);
    expect(await followingOf(alice)).toContain(star.id);
    // Following oneself is refused, naming user_id.
    const self = await call('PUT', `${C}/follows/${carol.id}`, { token: carol.token });
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id') });
  });

  it('reads the feed of the caller only: a user_id in the query is a 400', async () => {
    const res = await call('GET', `${C}/feed?user_id=${alice.id}`, { token: carol.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id') });
  });
});

describe('the community face: tokens', () => {
  /** Every signed-in route, and the public ones that read a token when one is sent; ids of Alice's things. */
  let routes: [method: string, url: string, o: { body?: unknown; raw?: Buffer; contentType?: string }][];
  let snapshot: () => Promise<unknown>;

  beforeAll(async () => {
    const article = await publish(alice, { title: uniq('token target ') });
    const comment = (await ok('POST', `${C}/comments`, { token: alice.token, body: { biz: 'article', target_id: article.id, content: 'mine' } }, 201)).comment;
    const question = (await ok('POST', `${C}/questions`, { token: alice.token, body: { title: uniq('token q '), content: 'q' } }, 201)).question;
    const answer = (await ok('POST', `${C}/questions/${question.id}/answers`, { token: bob.token, body: { content: 'a' } }, 201)).answer;
    // The snapshot is taken once the comment is counted and the answer has reached Alice's notifications.
    await until(() => articleOf(article.id), (a) => a.comment_count === 1);
    await notificationsUntil(alice, (p) => p.notifications.some((n) => n.type === 'answer' && n.target?.id === question.id));
    routes = [
      ['POST', `${C}/articles`, { body: { title: 'forged', content: 'forged' } }],
      ['PATCH', `${C}/articles/${article.id}`, { body: { title: 'forged' } }],
      ['DELETE', `${C}/articles/${article.id}`, {}],
      ['POST', `${C}/uploads`, { raw: pngImage(), contentType: 'image/png' }],
      ['PUT', `${C}/likes/article/${article.id}`, {}],
      ['DELETE', `${C}/likes/article/${article.id}`, {}],
      ['POST', `${C}/comments`, { body: { biz: 'article', target_id: article.id, content: 'forged' } }],
      ['DELETE', `${C}/comments/${comment.id}`, {}],
      ['PUT', `${C}/follows/${alice.id}`, {}],
      ['DELETE', `${C}/follows/${alice.id}`, {}],
      ['GET', `${C}/feed`, {}],
      ['POST', `${C}/questions`, { body: { title: 'forged', content: 'forged' } }],
      ['POST', `${C}/questions/${question.id}/answers`, { body: { content: 'forged' } }],
      ['POST', `${C}/answers/${answer.id}/accept`, {}],
      ['PUT', `${C}/answers/${answer.id}/vote`, { body: { value: 1 } }],
      ['GET', `${C}/notifications`, {}],
      ['POST', `${C}/notifications/read`, { body: { all: true } }],
      ['GET', `${C}/me/membership`, {}],
      ['POST', `${C}/me/vip`, { body: { months: 1 } }],
      // Public routes: a token that is sent is checked.
      ['GET', `${C}/articles/${article.id}`, {}],
      ['GET', `${C}/users/${alice.id}/articles`, {}],
      ['GET', `${C}/search?q=forged`, {}],
      ['GET', `${C}/users/${alice.id}/followers`, {}],
      ['GET', `${C}/questions/${question.id}`, {}],
    ];
    snapshot = async () => ({
      article: await articleOf(article.id),
      comments: await commentsOf('article', article.id),
      question: await ok('GET', `${C}/questions/${question.id}`),
      followers: await ok('GET', `${C}/users/${alice.id}/followers?limit=50`),
      articles: ((await ok('GET', `${C}/users/${alice.id}/articles?limit=50`)).articles as Record<string, unknown>[]).map(unviewed),
      newestQuestions: await ok('GET', `${C}/questions?limit=50`),
      notifications: await notificationsOf(alice),
      membership: await ok('GET', `${C}/me/membership`, { token: alice.token }),
    });
  });

  it('refuses a missing, malformed, forged, tampered, unsigned or expired token with 401 on every route, and changes nothing', async () => {
    const { createTokens } = await import('#kit/auth');
    const { systemClock } = await import('#kit/clock');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const [head, , signature] = alice.token.split('.') as [string, string, string];
    const now = Math.floor(Date.now() / 1000);
    const yesterday = { ...systemClock, now: () => Date.now() - 86_400_000 };
    const cases: [name: string, authorization: string | undefined, code: number][] = [
      ['no Authorization header', undefined, 40101],
      ['an empty header', '', 40101],
      ['Basic credentials', `Basic ${Buffer.from(`${alice.username}:secret123`).toString('base64')}`, 40101],
      ['Bearer and nothing', 'Bearer', 40101],
      ['not a JWT', 'Bearer not-a-token', 40101],
      ['three empty parts', 'Bearer ..', 40101],
      ['two tokens', `Bearer ${alice.token} ${alice.token}`, 40101],
      ['signed with another key', `Bearer ${createTokens({ secret: 'not-this-servers-secret-'.padEnd(48, 'q') }).sign({ sub: alice.id })}`, 40101],
      ['signed with the retired public development secret', `Bearer ${createTokens({ secret: 'surge-dev-jwt-secret-change-me-0000000000' }).sign({ sub: alice.id })}`, 40101],
      ["Alice's signature on a payload naming Bob", `Bearer ${head}.${b64({ sub: bob.id, iat: now, exp: now + 3600 })}.${signature}`, 40101],
      ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: alice.id, iat: now, exp: now + 3600 })}.`, 40101],
      ['alg HS512 header on an HS256 signature', `Bearer ${b64({ alg: 'HS512', typ: 'JWT' })}.${alice.token.split('.')[1]}.${signature}`, 40101],
      ['expired (this server’s key, an hour’s life a day ago)', `Bearer ${createTokens({ secret: sys.config.auth.jwtSecret, ttlSeconds: 3600, clock: yesterday }).sign({ sub: alice.id })}`, 40102],
    ];
    const before = await snapshot();
    for (const [name, authorization, code] of cases) {
      for (const [method, url, o] of routes) {
        // A public route without a header serves a guest: only a sent token is refused there.
        const isPublic = method === 'GET' && !url.endsWith('/feed') && !url.endsWith('/notifications') && !url.endsWith('/membership');
        if (isPublic && authorization === undefined) continue;
        const res = await call(method, url, { ...o, auth: authorization });
        expect(res.status, `${name}: ${method} ${url}`).toBe(401);
        expect(res.body, `${name}: ${method} ${url}`).toMatchObject({ code });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  // Found by this probe: the gateway once took a well-signed token's sub as the caller without
  // asking whether the account exists, so such a token published under an id no account has. Now
  // the account is confirmed with the user service (#kit/auth createCallers): a token of a
  // removed account stops working within auth.accountCheckSeconds.
  it('with a well-signed token of a user that does not exist, answers 401 on every face and stores nothing under that id', async () => {
    const { createTokens } = await import('#kit/auth');
    const ghost = 9_007_199_254_000;
    const token = createTokens({ secret: sys.config.auth.jwtSecret }).sign({ sub: ghost });
    const res = await call('POST', `${C}/articles`, { token, body: { title: uniq('ghost '), content: 'from nobody' } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 40101, message: expect.stringMatching(/account .* does not exist/) });
    // A public route with the token sent: refused too, not served as a guest.
    expect((await call('GET', `${C}/articles/hot`, { token })).status).toBe(401);
    expect((await call('GET', '/api/v1/users/me', { token })).status).toBe(401);
    expect((await call('PUT', '/api/v1/mall/cart/items/1', { token, body: { quantity: 1 } })).status).toBe(401);
    expect((await ok('GET', `${C}/users/${ghost}/articles`)).articles).toEqual([]);
    // The Douyin face answers in its envelope; the same token read where it is optional is a guest.
    const douyin = await sys.app.inject({ method: 'POST', url: `/douyin/comment/action/?token=${encodeURIComponent(token)}&video_id=1&action_type=1&comment_text=hi` });
    expect(douyin.json()).toMatchObject({ status_code: 40101, status_msg: 'token is invalid; log in again' });
    const feed = await sys.app.inject({ method: 'GET', url: `/douyin/feed/?token=${encodeURIComponent(token)}` });
    expect(feed.json()).toMatchObject({ status_code: 0 });
  });
});

describe('the community face: hostile input', () => {
  it('stores SQL-looking titles, Markdown, tags, comments and answers literally, and searches them without effect', async () => {
    const tag = uniq('sqli');
    const hostile = [`Robert'); DROP TABLE articles;-- ${tag}`, `1' OR '1'='1`, `"; SELECT * FROM users; --`, `%' UNION SELECT password FROM users --`, `\\'; sleep(5); --`];
    const article = await publish(alice, { title: hostile[0], content: hostile.join('\n'), tags: [hostile[1]!.slice(0, 20), 'a%_\\'] });
    expect(article).toMatchObject({ title: hostile[0], content: hostile.join('\n'), tags: [hostile[1]!.slice(0, 20), 'a%_\\'] });
    expect(await articleOf(article.id)).toEqual(article);
    for (const content of hostile) {
      const comment = (await ok('POST', `${C}/comments`, { token: bob.token, body: { biz: 'article', target_id: article.id, content } }, 201)).comment;
      expect(comment.content).toBe(content);
    }
    expect((await commentsOf('article', article.id)).map((c: { content: string }) => c.content).reverse()).toEqual(hostile);
    const question = (await ok('POST', `${C}/questions`, { token: alice.token, body: { title: hostile[2], content: hostile[3] } }, 201)).question;
    expect(question).toMatchObject({ title: hostile[2], content: hostile[3] });
    const answer = (await ok('POST', `${C}/questions/${question.id}/answers`, { token: bob.token, body: { content: hostile[4] } }, 201)).answer;
    expect(answer.content).toBe(hostile[4]);

    // Search: a quote, a comment marker or a wildcard is text. Words of the query must all match,
    // so with the article's tag word and a word it lacks there is no hit (a tautology would match all).
    const search = async (q: string, type = 'articles') => call('GET', `${C}/search?type=${type}&limit=50&q=${encodeURIComponent(q)}`);
    expect((await search(tag)).body.articles.map((a: { id: number }) => a.id)).toEqual([article.id]);
    for (const q of [`${tag} absentword' OR '1'='1`, `${tag} absentword") OR 1=1 --`, `${tag} absentword%`, `${tag} absentword*`, `${tag} absentword_`, `${tag}' absentword UNION SELECT 1 --`]) {
      for (const type of ['articles', 'questions']) {
        const res = await search(q, type);
        expect(res.status, q).toBe(200);
        expect(res.body[type], `${type}: ${q}`).toEqual([]);
      }
    }
    // Punctuation alone holds no word: refused naming q, before any query runs.
    for (const q of [`'`, `"`, `%`, `_`, `\\`, `';--`, `*`, `)`, `(`, `%%%%`, `\\%`]) {
      for (const type of ['articles', 'questions']) {
        const res = await search(q, type);
        expect(res.status, q).toBe(400);
        expect(res.body, q).toEqual({ code: 40001, message: 'q: must hold a letter, digit or CJK character to search for', details: { field: 'q' } });
      }
    }
    // Statements are searched for as words: those the article holds find it, one it lacks finds nothing.
    expect((await search(`${tag}'; DROP TABLE --`)).body.articles.map((a: { id: number }) => a.id)).toEqual([article.id]);
    for (const q of [`${tag}' OR 'nowhere'='nowhere' --`, `${tag}'; DROP TABLE questions; --`]) {
      for (const type of ['articles', 'questions']) expect((await search(q, type)).body, q).toEqual({ [type]: [], next_cursor: '', is_end: true });
    }
    // The tables are still there.
    expect(await articleOf(article.id)).toEqual(article);
  });

  it('stores HTML and script in Markdown and comments as text, and answers JSON with its type', async () => {
    const script = `<script>alert(document.cookie)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a></textarea><!--`;
    const article = await publish(alice, { title: '<svg onload=alert(1)>', content: `# Hi\n\n${script}\n\n[click](javascript:alert(1))`, tags: ['<b>x</b>'] });
    const detail = await call('GET', `${C}/articles/${article.id}`);
    expect(detail.type).toBe(JSON_TYPE);
    expect(detail.body.article).toMatchObject({ title: '<svg onload=alert(1)>', content: `# Hi\n\n${script}\n\n[click](javascript:alert(1))`, tags: ['<b>x</b>'] });
    const comment = await call('POST', `${C}/comments`, { token: bob.token, body: { biz: 'article', target_id: article.id, content: script } });
    expect(comment.status).toBe(201);
    expect(comment.type).toBe(JSON_TYPE);
    expect(comment.body.comment.content).toBe(script);
    const list = await call('GET', `${C}/comments?biz=article&target_id=${article.id}`);
    expect(list.type).toBe(JSON_TYPE);
    expect(list.body.comments[0].content).toBe(script);
    // An unknown route echoing a script in its path answers JSON, never a page.
    const echoed = await call('GET', `${C}/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(echoed.status).toBe(404);
    expect(echoed.type).toBe(JSON_TYPE);
  });

  it('refuses bodies over the limits: 413 for size, depth and field count; 400 past 100 notification ids', async () => {
    const big = await call('POST', `${C}/articles`, { token: alice.token, body: { title: 'big', content: 'x'.repeat(2 << 20) } });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ code: 41301, message: 'body: is larger than the limit of 1 MB', details: { field: 'body', limit: 1 << 20 } });
    const deep = await call('POST', `${C}/comments`, { token: alice.token, json: `{"biz":"article","target_id":1,"content":"x","reply_to":${'['.repeat(10_000)}${']'.repeat(10_000)}}` });
    expect(deep.status).toBe(413);
    expect(deep.body).toEqual({ code: 41301, message: 'body: nests deeper than the limit of 32 levels', details: { field: 'body', limit: 32 } });
    const many = await call('POST', `${C}/notifications/read`, { token: alice.token, body: { ids: Array.from({ length: 5000 }, (_, i) => i + 1) } });
    expect(many.status).toBe(413);
    expect(many.body).toMatchObject({ code: 41301 });
    // 999 ids and the key are 1,000 fields: at the shape limit, so the ids bound answers.
    for (const n of [101, 999]) {
      const res = await call('POST', `${C}/notifications/read`, { token: alice.token, body: { ids: Array.from({ length: n }, (_, i) => i + 1) } });
      expect(res.status, `${n} ids`).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('ids') });
    }
    const tooManyTags = await call('POST', `${C}/articles`, { token: alice.token, body: { title: 't', content: 'c', tags: Array.from({ length: 500 }, (_, i) => `t${i}`) } });
    expect(tooManyTags.status).toBe(400);
    expect(tooManyTags.body).toMatchObject({ code: 40001, message: expect.stringContaining('tags') });
    const upload = await call('POST', `${C}/uploads`, { token: carol.token, raw: Buffer.concat([pngImage(), Buffer.alloc(5 * 1024 * 1024)]), contentType: 'image/png' });
    expect(upload.status).toBe(413);
    expect(upload.body).toMatchObject({ code: 41301 });
  });

  it('refuses bidi overrides and invisible-only text in titles, tags, comments and questions, naming the field', async () => {
    const article = await publish(alice);
    const refused: [method: string, url: string, body: Record<string, unknown>, field: string][] = [
      ['POST', `${C}/articles`, { title: 'invoice\u202egnp.exe', content: 'x' }, 'title'],
      ['POST', `${C}/articles`, { title: 't', content: 'x', tags: ['\u200b'] }, 'tags'],
      ['POST', `${C}/articles`, { title: 't', content: 'x', tags: ['a\u2066b'] }, 'tags'],
      ['POST', `${C}/articles`, { title: '\u200b\u200d\ufeff', content: 'x' }, 'title'],
      ['PATCH', `${C}/articles/${article.id}`, { title: 'x\u202dy' }, 'title'],
      ['POST', `${C}/comments`, { biz: 'article', target_id: article.id, content: '\u2067hidden' }, 'content'],
      ['POST', `${C}/comments`, { biz: 'article', target_id: article.id, content: '\u3164' }, 'content'],
      ['POST', `${C}/comments`, { biz: 'article', target_id: article.id, content: 'bell\u0007' }, 'content'],
      ['POST', `${C}/questions`, { title: 'q\u202e', content: 'x' }, 'title'],
      ['POST', `${C}/questions`, { title: 'q', content: 'x', tags: ['\u2060'] }, 'tags'],
    ];
    for (const [method, url, body, field] of refused) {
      const res = await call(method, url, { token: alice.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ code: 40001, message: expect.stringMatching(new RegExp(`^${field}: `)) });
    }
    // A lone surrogate is refused at the schema, before it could turn into U+FFFD on the way.
    const lone = await call('POST', `${C}/comments`, { token: alice.token, json: `{"biz":"article","target_id":${article.id},"content":"hi \\ud800"}` });
    expect(lone.status).toBe(400);
    expect(await commentsOf('article', article.id)).toEqual([]);
    expect(await articleOf(article.id)).toEqual(article);
  });

  // WEAKNESS (found by this probe): the text rule refuses text that is only invisible characters,
  // but keeps a zero-width space inside a tag, so an article may hold "phone" and "pho\u200bne",
  // which look identical, and a tag list or a tag filter shown to people can be spoofed. Remove
  // `.fails` once tags drop or refuse Default_Ignorable characters inside them.
  it('keeps a tag with a zero-width character inside from posing as another tag', async () => {
    const res = await call('POST', `${C}/articles`, { token: alice.token, body: { title: 'look-alike tags', content: 'x', tags: ['phone', 'pho\u200bne'] } });
    // Either refused naming tags, or stored as one tag: never two tags that look the same.
    if (res.status === 201) expect(res.body.article.tags).toEqual(['phone']);
    else expect(res.body).toMatchObject({ code: 40001, message: expect.stringMatching(/^tags: /) });
  });

  it('refuses __proto__ and constructor keys in bodies, and pollutes no prototype', async () => {
    const article = await publish(alice);
    const bodies: [url: string, method: string, json: string][] = [
      [`${C}/articles`, 'POST', '{"title":"t","content":"c","__proto__":{"polluted":"yes"}}'],
      [`${C}/articles`, 'POST', '{"title":"t","content":"c","constructor":{"prototype":{"polluted":"yes"}}}'],
      [`${C}/articles/${article.id}`, 'PATCH', '{"__proto__":{"title":"via proto"}}'],
      [`${C}/comments`, 'POST', `{"biz":"article","target_id":${article.id},"content":"c","__proto__":{"polluted":"yes"}}`],
      [`${C}/notifications/read`, 'POST', '{"all":true,"__proto__":{"polluted":"yes"}}'],
      [`${C}/me/vip`, 'POST', '{"months":1,"constructor":{"prototype":{"polluted":"yes"}}}'],
      [`${C}/questions`, 'POST', '{"title":"t","content":"c","tags":[{"__proto__":{"polluted":"yes"}}]}'],
    ];
    for (const [url, method, json] of bodies) {
      const res = await call(method, url, { token: alice.token, json });
      expect(res.status, `${method} ${url} ${json}`).toBe(400);
      expect(res.body).toMatchObject({ code: 40001 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await articleOf(article.id)).toEqual(article);
    expect(await commentsOf('article', article.id)).toEqual([]);
  });

  it('reads ids in paths and queries as decimal digits only, and answers a path traversal in an image name with 400', async () => {
    for (const spelling of ['0x10', '1e3', '-1', '01', '1.0', '1%20', "1'%20OR%20'1'='1", '1;DROP', '9007199254740993', '99999999999999999']) {
      for (const url of [`${C}/articles/${spelling}`, `${C}/questions/${spelling}`, `${C}/comments?biz=article&target_id=${spelling}`]) {
        const res = await call('GET', url);
        expect(res.status, url).toBe(400);
        expect(res.body).toMatchObject({ code: 40001 });
      }
    }
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    // A file beside the blob store that a traversal would reach.
    await writeFile(join(sys.config.dataDir, 'canary.png'), 'CANARY-SECRET');
    for (const name of ['..%2F..%2Fsecrets.json', '..%2Fcanary.png', '%2e%2e%2f%2e%2e%2fcanary.png', '..%5C..%5Ccanary.png', '....%2F%2Fcanary.png', 'canary.png%00.png', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.png%2F..%2F..%2Fcanary.png`, '%252e%252e%252fcanary.png']) {
      const res = await call('GET', `${C}/images/${name}`);
      expect(res.status, name).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringMatching(/^file: /) });
      expect(res.text).not.toContain('CANARY');
    }
    // Path segments the router resolves never reach a file either.
    for (const url of [`${C}/images/../../secrets.json`, `${C}/images/../../../canary.png`]) {
      const res = await call('GET', url);
      expect(res.status, url).toBe(404);
      expect(res.text).not.toContain('CANARY');
      expect(res.text).not.toContain('jwtSecret');
    }
    // A well-formed name of no upload: 404.
    expect((await call('GET', `${C}/images/00000000-0000-0000-0000-000000000000.png`)).status).toBe(404);
    // A traversal as a cover URL is refused naming cover_url.
    for (const cover of [`${C}/images/../../secrets.json`, `${C}/images/..%2Fcanary.png`, 'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/']) {
      const res = await call('POST', `${C}/articles`, { token: alice.token, body: { title: 't', content: 'c', cover_url: cover } });
      expect(res.status, cover).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringMatching(/^cover_url: /) });
    }
  });
});

describe('the community face: uploads', () => {
  it('serves a PNG with HTML and script after its header as image/png with nosniff, never as HTML', async () => {
    const html = Buffer.from('<html><body><script>alert(document.domain)</script></body></html>');
    const polyglot = Buffer.concat([pngImage(1, 1), html]);
    for (const declared of ['text/html', 'image/svg+xml', 'image/png']) {
      const up = await call('POST', `${C}/uploads`, { token: bob.token, raw: polyglot, contentType: declared });
      expect(up.status, declared).toBe(201);
      expect(up.body.url).toMatch(/^\/api\/v1\/community\/images\/[0-9a-f-]{36}\.png$/);
      const image = await call('GET', up.body.url);
      expect(image.status).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(image.raw, polyglot)).toBe(0);
    }
  });

  it('refuses SVG, HTML and other formats whatever they are called, storing nothing', async () => {
    const { readdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const stored = async () => (await readdir(join(sys.config.dataDir), { recursive: true })).filter((f) => String(f).includes('community')).sort();
    const before = await stored();
    // The uploads above are in the folder looked at, so a stored refusal would show.
    expect(before.length).toBeGreaterThan(0);
    const refused: [what: string, bytes: Buffer, type: string][] = [
      ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'), 'image/svg+xml'],
      ['an SVG with an XML prolog', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png'],
      ['an HTML page', Buffer.from('<!doctype html><script>alert(1)</script>'), 'image/png'],
      ['a PNG signature without IHDR, then HTML', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('<html><script>alert(1)</script>')]), 'image/png'],
      ['a BMP', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]), 'image/bmp'],
      ['a RIFF that is not WebP', Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(32)]), 'image/webp'],
    ];
    for (const [what, bytes, type] of refused) {
      const res = await call('POST', `${C}/uploads`, { token: carol.token, raw: bytes, contentType: type });
      expect(res.status, what).toBe(400);
      expect(res.body, what).toMatchObject({ code: 40001, message: expect.stringMatching(/^body: /) });
    }
    expect(await stored()).toEqual(before);
  });
});

describe('the community face: error bodies', () => {
  it('never carried a stack trace, SQL or a file path in any error answered above', () => {
    expect(errorsSeen.length).toBeGreaterThan(200);
    for (const { what, text } of errorsSeen) expect(text, what).not.toMatch(LEAKS);
  });
});
