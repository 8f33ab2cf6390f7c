// The community's message center end to end, as a client uses it, in embedded mode and on the
// real servers (MariaDB, Redis, NATS): follows, answers and an acceptance become notifications
// through the queue, aggregated with their actors' names ("B and C followed you"), paged, marked
// read one by one and all at once; likes and comments on an article likewise once their routes
// exist; another user neither sees nor marks them; and a table of bad input for both routes.
// Events travel through the queue: the tests poll for a condition, never sleep a fixed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { communityClient } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';

interface User {
  id: number;
  token: string;
  username: string;
}
interface NotificationJson {
  id: number;
  type: string;
  actors: { id: number; name: string; avatar: string }[];
  actor_count: number;
  target: { biz: string; id: number } | null;
  read: boolean;
  created_at: number;
  updated_at: number;
  title?: string;
  body?: string;
}
interface PageJson {
  notifications: NotificationJson[];
  next_cursor: string;
  is_end: boolean;
  unread_count: number;
}

/** A client of one test system: JSON in and out, signed in with a token when given. */
function clientOf(sys: () => TestSystem) {
  const { call, signUp, uniq } = communityClient(sys, 'nt');
  const ok = async (method: string, url: string, o: { body?: unknown; token?: string } = {}, status = 200) => {
    const res = await call(method, url, o);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
    return res.body;
  };
  const page = async (who: User, query = ''): Promise<PageJson> => ok('GET', `${C}/notifications${query}`, { token: who.token });
  /** Polls who's first page until check holds (events travel through the queue); fails after 15 s. */
  const until = async (who: User, check: (p: PageJson) => boolean): Promise<PageJson> => {
    const end = Date.now() + 15_000;
    for (;;) {
      const p = await page(who, '?limit=50');
      if (check(p)) return p;
      if (Date.now() > end) throw new Error(`notifications of ${who.username} never matched: ${JSON.stringify(p)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { call, ok, signUp, page, until, uniq };
}

const ofType = (p: PageJson, type: string) => p.notifications.find((n) => n.type === type);

describe.each(modes)('community notifications (%s)', (mode) => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let a: User;
  let b: User;
  let d: User;

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 });
    [a, b, d] = [await c.signUp(), await c.signUp(), await c.signUp()];
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('tells A of follows and answers, aggregated with the actors’ names; tells B of the acceptance; never A of A’s own answer', async () => {
    await c.ok('PUT', `${C}/follows/${a.id}`, { token: b.token });
    await c.ok('PUT', `${C}/follows/${a.id}`, { token: d.token });
    const follows = await c.until(a, (p) => ofType(p, 'follow')?.actor_count === 2);
    expect(ofType(follows, 'follow')).toMatchObject({ target: { biz: 'user', id: a.id }, read: false, actors: [{ id: d.id, name: d.username }, { id: b.id, name: b.username }] });

    const q = (await c.ok('POST', `${C}/questions`, { token: a.token, body: { title: c.uniq('通知测试 '), content: '谁来回答？' } }, 201)).question as { id: number };
    await c.ok('POST', `${C}/questions/${q.id}/answers`, { token: a.token, body: { content: 'my own answer' } }, 201);
    const byB = (await c.ok('POST', `${C}/questions/${q.id}/answers`, { token: b.token, body: { content: 'B answers' } }, 201)).answer as { id: number };
    await c.ok('POST', `${C}/questions/${q.id}/answers`, { token: d.token, body: { content: 'D answers' } }, 201);
    const answered = await c.until(a, (p) => ofType(p, 'answer')?.actor_count === 2);
    const answer = ofType(answered, 'answer')!;
    expect(answer).toMatchObject({ target: { biz: 'question', id: q.id }, read: false, actor_count: 2 });
    expect(answer.actors.map((x) => x.id).sort()).toEqual([b.id, d.id].sort());
    expect(answered.unread_count).toBe(2);
    // Newest updated first: the answers came after the follows.
    expect(answered.notifications.map((n) => n.type)).toEqual(['answer', 'follow']);
    expect(answered.notifications[0]).not.toHaveProperty('title');

    await c.ok('POST', `${C}/answers/${byB.id}/accept`, { token: a.token });
    const accepted = await c.until(b, (p) => ofType(p, 'accepted') !== undefined);
    expect(ofType(accepted, 'accepted')).toMatchObject({ target: { biz: 'answer', id: byB.id }, actor_count: 1, actors: [{ id: a.id, name: a.username }] });
    // B's list holds B's own only.
    expect(accepted.notifications.map((n) => n.type)).toEqual(['accepted']);
  });

  it('pages, marks read by id and all at once; another user’s marks change nothing of A’s', async () => {
    const first = await c.page(a, '?limit=1');
    expect(first.notifications).toHaveLength(1);
    expect(first.is_end).toBe(false);
    const second = await c.page(a, `?limit=1&cursor=${first.next_cursor}`);
    expect(second).toMatchObject({ is_end: true, next_cursor: '', unread_count: 2 });
    expect(second.notifications).toHaveLength(1);
    expect(second.notifications[0]!.id).not.toBe(first.notifications[0]!.id);

    const mine = (await c.page(a)).notifications.map((n) => n.id);
    // D marks A's ids: refused nothing, changed nothing of A's (D has none unread of theirs).
    expect(await c.ok('POST', `${C}/notifications/read`, { token: d.token, body: { ids: mine } })).toEqual({ unread_count: 0 });
    expect((await c.page(a)).unread_count).toBe(2);
    expect(await c.ok('POST', `${C}/notifications/read`, { token: d.token, body: { all: true } })).toEqual({ unread_count: 0 });
    expect((await c.page(a)).notifications.every((n) => !n.read)).toBe(true);

    expect(await c.ok('POST', `${C}/notifications/read`, { token: a.token, body: { ids: [mine[0]] } })).toEqual({ unread_count: 1 });
    expect((await c.page(a)).notifications.map((n) => n.read)).toEqual([true, false]);
    expect(await c.ok('POST', `${C}/notifications/read`, { token: a.token, body: { all: true } })).toEqual({ unread_count: 0 });
    expect((await c.page(a)).notifications.every((n) => n.read)).toBe(true);

    // A new follower joins the read follow notification: unread again, and on top.
    const e = await c.signUp();
    await c.ok('PUT', `${C}/follows/${a.id}`, { token: e.token });
    const again = await c.until(a, (p) => ofType(p, 'follow')?.actor_count === 3);
    expect(again.unread_count).toBe(1);
    expect(again.notifications[0]).toMatchObject({ type: 'follow', read: false, actors: [{ id: e.id }, { id: d.id }, { id: b.id }] });
  });

  it('tells A of likes and comments on A’s article, B’s reply to D’s comment to D (once the like and comment routes exist)', async (ctx) => {
    const paths = Object.keys((await c.ok('GET', '/openapi.json')).paths);
    if (!paths.includes(`${C}/likes/{biz}/{target_id}`) || !paths.includes(`${C}/comments`)) ctx.skip();
    const writer = await c.signUp();
    const article = (await c.ok('POST', `${C}/articles`, { token: writer.token, body: { title: c.uniq('article '), content: 'Like me.' } }, 201)).article as { id: number };
    await c.ok('PUT', `${C}/likes/article/${article.id}`, { token: b.token });
    await c.ok('PUT', `${C}/likes/article/${article.id}`, { token: d.token });
    await c.ok('PUT', `${C}/likes/article/${article.id}`, { token: writer.token });
    const comment = (await c.ok('POST', `${C}/comments`, { token: d.token, body: { biz: 'article', target_id: article.id, content: 'nice' } }, 201)).comment as { id: number };
    await c.ok('POST', `${C}/comments`, { token: b.token, body: { biz: 'article', target_id: article.id, content: 'agreed', reply_to: comment.id } }, 201);
    const shown = await c.until(writer, (p) => ofType(p, 'like')?.actor_count === 2 && ofType(p, 'comment') !== undefined);
    expect(ofType(shown, 'like')).toMatchObject({ target: { biz: 'article', id: article.id }, read: false });
    expect(ofType(shown, 'like')!.actors.map((x) => x.id).sort()).toEqual([b.id, d.id].sort());
    expect(ofType(shown, 'comment')).toMatchObject({ target: { biz: 'article', id: article.id }, actors: [{ id: d.id, name: d.username }] });
    const replied = await c.until(d, (p) => ofType(p, 'reply') !== undefined);
    expect(ofType(replied, 'reply')).toMatchObject({ target: { biz: 'article', id: article.id }, actors: [{ id: b.id }] });
  });

  it('is for signed-in users only, and in the OpenAPI document', async () => {
    expect((await c.call('GET', `${C}/notifications`)).status).toBe(401);
    expect((await c.call('POST', `${C}/notifications/read`, { body: { all: true } })).status).toBe(401);
    const api = await c.ok('GET', '/openapi.json');
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining([`${C}/notifications`, `${C}/notifications/read`]));
  });
});

describe('community notification routes refuse bad input with a 4xx naming the field (embedded)', () => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let user: User;
  let other: User;

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
    [user, other] = [await c.signUp(), await c.signUp()];
    await c.ok('PUT', `${C}/follows/${user.id}`, { token: other.token });
    await c.until(user, (p) => p.unread_count === 1);
  }, 120_000);
  afterAll(async () => sys?.stop());

  type Case = [name: string, method: string, url: string, opts: { body?: unknown; raw?: string; auth?: string }, status: number, code: number, mentions: string];
  const listed = (more: string) => `${C}/notifications?${more}`;
  const READ = `${C}/notifications/read`;
  const cases: Case[] = [
    // GET /notifications
    ['limit 0', 'GET', listed('limit=0'), {}, 400, 40001, 'limit'],
    ['limit 51', 'GET', listed('limit=51'), {}, 400, 40001, 'limit'],
    ['limit not a number', 'GET', listed('limit=ten'), {}, 400, 40001, 'limit'],
    ['a negative limit', 'GET', listed('limit=-1'), {}, 400, 40001, 'limit'],
    ['cursor with bad characters', 'GET', listed('cursor=a%2Fb'), {}, 400, 40001, 'cursor'],
    ['a forged cursor', 'GET', listed('cursor=Zm9yZ2Vk'), {}, 400, 40001, 'cursor'],
    ['cursor too long', 'GET', listed(`cursor=${'a'.repeat(201)}`), {}, 400, 40001, 'cursor'],
    ['a user_id in the query', 'GET', listed('user_id=1'), {}, 400, 40001, 'user_id'],
    ['list without a token', 'GET', `${C}/notifications`, { auth: '' }, 401, 40101, 'Authorization'],
    ['list with a bad token', 'GET', `${C}/notifications`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
    // POST /notifications/read
    ['an empty body', 'POST', READ, { body: {} }, 400, 40001, 'body'],
    ['no ids', 'POST', READ, { body: { ids: [] } }, 400, 40001, 'ids'],
    ['101 ids', 'POST', READ, { body: { ids: Array.from({ length: 101 }, (_, i) => i + 1) } }, 400, 40001, 'ids'],
    ['id 0', 'POST', READ, { body: { ids: [0] } }, 400, 40001, 'ids'],
    ['a negative id', 'POST', READ, { body: { ids: [-5] } }, 400, 40001, 'ids'],
    ['a fractional id', 'POST', READ, { body: { ids: [1.5] } }, 400, 40001, 'ids'],
    ['an id past 2^53', 'POST', READ, { body: { ids: [2 ** 53] } }, 400, 40001, 'ids'],
    ['an id as text', 'POST', READ, { body: { ids: ['1'] } }, 400, 40001, 'ids'],
    ['ids not a list', 'POST', READ, { body: { ids: 1 } }, 400, 40001, 'ids'],
    ['all false', 'POST', READ, { body: { all: false } }, 400, 40001, 'all'],
    ['all as text', 'POST', READ, { body: { all: 'true' } }, 400, 40001, 'all'],
    ['ids and all both', 'POST', READ, { body: { ids: [1], all: true } }, 400, 40001, 'all'],
    ['a user_id in the body', 'POST', READ, { body: { all: true, user_id: 1 } }, 400, 40001, 'user_id'],
    ['a body that is not JSON', 'POST', READ, { raw: '{"ids":' }, 400, 40001, 'body'],
    ['a body that is a list', 'POST', READ, { body: [1, 2] }, 400, 40001, 'body'],
    ['without a body', 'POST', READ, {}, 400, 40001, 'body'],
    ['read without a token', 'POST', READ, { body: { all: true }, auth: '' }, 401, 40101, 'Authorization'],
    ['read with a bad token', 'POST', READ, { body: { all: true }, auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
  ];

  it.each(cases)('%s: %s %s', async (_name, method, url, o, status, code, mentions) => {
    const signedIn = o.auth === undefined;
    const res = await c.call(method, url, { body: o.body, raw: o.raw, token: signedIn ? user.token : undefined, auth: o.auth || undefined });
    expect(res.status, res.text).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(mentions);
    expect(res.text).not.toMatch(/at \w+ \(|SELECT|INSERT|UPDATE|sqlite|mysql/i);
  });

  it('changed nothing: the notification is still unread', async () => {
    const p = await c.page(user);
    expect(p.unread_count).toBe(1);
    expect(p.notifications).toMatchObject([{ type: 'follow', read: false, actors: [{ id: other.id }] }]);
  });
});
