// The community's follow routes end to end, as a client uses them, in embedded mode and on the
// real servers (MariaDB, Redis, NATS): follow and unfollow (repeats change nothing), a user's
// followers and following paged newest first, each listed user with whether the caller follows
// them; another user's request never acts for someone else; and every route refuses bad input
// with a 4xx naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { communityClient } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';

interface ListedUser {
  id: number;
  name: string;
  avatar: string;
  following: boolean;
}
interface Page {
  users: ListedUser[];
  next_cursor: string;
  is_end: boolean;
}
interface Account {
  id: number;
  token: string;
  username: string;
}

/** A system and the calls a client makes to it. */
function client(sys: () => TestSystem) {
  const { call, signUp } = communityClient(sys, 'fan');
  /** token: signed in as that user; authorization: the header exactly as given (a bad one). */
  const follow = async (who: Account, target: number, on = true) => {
    const res = await call(on ? 'PUT' : 'DELETE', `${C}/follows/${target}`, { token: who.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { following: boolean };
  };
  /** Every page of a list, following next_cursor; each page full but the last; fails on a list that never ends. */
  const pageAll = async (url: string, limit: number, token?: string) => {
    const users: ListedUser[] = [];
    let cursor = '';
    for (let pages = 1; pages <= 100; pages++) {
      const res = await call('GET', `${url}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as Page;
      users.push(...page.users);
      if (page.is_end) {
        expect(page.next_cursor).toBe('');
        return { users, pages };
      }
      expect(page.users).toHaveLength(limit);
      cursor = page.next_cursor;
    }
    throw new Error(`${url}: still not at the end after 100 pages`);
  };
  const ids = async (url: string, token?: string) => (await pageAll(url, 50, token)).users.map((u) => u.id);
  return { call, signUp, follow, pageAll, ids };
}

describe.each(modes)('community follows (%s)', (mode) => {
  let sys: TestSystem;
  const { call, signUp, follow, pageAll, ids } = client(() => sys);

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 });
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('follows and unfollows; a repeat of either changes nothing; both lists follow the writes', async () => {
    const alice = await signUp();
    const bob = await signUp();
    expect(await follow(alice, bob.id)).toEqual({ following: true });
    expect(await follow(alice, bob.id)).toEqual({ following: true });
    const followers = await call('GET', `${C}/users/${bob.id}/followers`);
    expect(followers).toMatchObject({ status: 200, body: { users: [{ id: alice.id, name: expect.any(String), avatar: expect.any(String), following: false }], next_cursor: '', is_end: true } });
    expect(await ids(`${C}/users/${alice.id}/following`)).toEqual([bob.id]);
    // One way only: bob follows nobody, and nobody follows alice.
    expect(await ids(`${C}/users/${bob.id}/following`)).toEqual([]);
    expect(await ids(`${C}/users/${alice.id}/followers`)).toEqual([]);

    expect(await follow(alice, bob.id, false)).toEqual({ following: false });
    expect(await follow(alice, bob.id, false)).toEqual({ following: false });
    expect((await call('GET', `${C}/users/${bob.id}/followers`)).body).toEqual({ users: [], next_cursor: '', is_end: true });
    expect(await ids(`${C}/users/${alice.id}/following`)).toEqual([]);
  });

  it('pages a user with 13 followers newest first, each once, whatever the page size', async () => {
    const star = await signUp();
    const fans: Account[] = [];
    for (let i = 0; i < 13; i++) fans.push(await signUp());
    for (const fan of fans) await follow(fan, star.id);
    // Newest follow first; follows in one millisecond go by id, descending, which is sign-up order here too.
    const newestFirst = fans.map((f) => f.id).reverse();
    for (const limit of [1, 5, 13, 50]) {
      const { users, pages } = await pageAll(`${C}/users/${star.id}/followers`, limit);
      expect(users.map((u) => u.id), `limit ${limit}`).toEqual(newestFirst);
      expect(pages).toBe(Math.ceil(13 / limit));
    }
    // Names come with the ids, from the user service: a fan's own name.
    const [newest] = (await pageAll(`${C}/users/${star.id}/followers`, 1)).users;
    expect(newest?.name).toBe(fans.at(-1)!.username);
    // Without a limit: 20 a page.
    const first = (await call('GET', `${C}/users/${star.id}/followers`)).body as Page;
    expect(first).toMatchObject({ next_cursor: '', is_end: true });
    expect(first.users).toHaveLength(13);

    // The other direction: one fan following the 12 others after the star, paged by 5.
    const busy = fans[0]!;
    for (const other of fans.slice(1)) await follow(busy, other.id);
    expect((await pageAll(`${C}/users/${busy.id}/following`, 5)).users.map((u) => u.id)).toEqual([...fans.slice(1).map((f) => f.id).reverse(), star.id]);
  });

  it("marks each listed user the caller follows; all false signed out; each caller sees their own", async () => {
    const owner = await signUp();
    const viewer = await signUp();
    const [a, b, c] = [await signUp(), await signUp(), await signUp()];
    for (const fan of [a, b, c, viewer]) await follow(fan, owner.id);
    await follow(viewer, a.id);
    await follow(viewer, c.id);
    const flags = async (token?: string) => Object.fromEntries((await pageAll(`${C}/users/${owner.id}/followers`, 2, token)).users.map((u) => [u.id, u.following]));
    expect(await flags(viewer.token)).toEqual({ [viewer.id]: false, [a.id]: true, [b.id]: false, [c.id]: true });
    expect(await flags()).toEqual({ [viewer.id]: false, [a.id]: false, [b.id]: false, [c.id]: false });
    expect(await flags(a.token)).toEqual({ [viewer.id]: false, [a.id]: false, [b.id]: false, [c.id]: false });
    // The flag follows the caller's own unfollow.
    await follow(viewer, a.id, false);
    expect((await flags(viewer.token))[a.id]).toBe(false);
    // On the following list too: the owner's followees, with the caller's flags.
    await follow(owner, c.id);
    await follow(owner, b.id);
    expect((await pageAll(`${C}/users/${owner.id}/following`, 50, viewer.token)).users.map((u) => [u.id, u.following])).toEqual([
      [b.id, false],
      [c.id, true],
    ]);
  });

  it("acts only for the caller: another user's unfollow, however phrased, leaves someone's follow as it was", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const carol = await signUp();
    await follow(alice, carol.id);
    // Bob names alice in a body the route does not read: he unfollows carol himself (a no-op).
    const withBody = await call('DELETE', `${C}/follows/${carol.id}`, { token: bob.token, body: { follower_id: alice.id } });
    expect(withBody).toMatchObject({ status: 200, body: { following: false } });
    // ... and in the query string, which the route refuses.
    const withQuery = await call('DELETE', `${C}/follows/${carol.id}?follower_id=${alice.id}`, { token: bob.token });
    expect(withQuery.status).toBe(400);
    expect(withQuery.body).toMatchObject({ code: 40001, message: expect.stringContaining('follower_id') });
    // Bob cannot make alice follow anyone either: his follow is his.
    await follow(bob, alice.id);
    expect(await ids(`${C}/users/${carol.id}/followers`)).toEqual([alice.id]);
    expect(await ids(`${C}/users/${alice.id}/following`)).toEqual([carol.id]);
    expect(await ids(`${C}/users/${alice.id}/followers`)).toEqual([bob.id]);
    expect(await ids(`${C}/users/${bob.id}/following`)).toEqual([alice.id]);
  });

  it('refuses following yourself (400 user_id) and an unknown user (404), and lists of an unknown user (404)', async () => {
    const me = await signUp();
    for (const method of ['PUT', 'DELETE']) {
      const self = await call(method, `${C}/follows/${me.id}`, { token: me.token });
      expect(self.status).toBe(400);
      expect(self.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id'), details: { field: 'user_id' } });
      const unknown = await call(method, `${C}/follows/987654321`, { token: me.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 40401, details: { field: 'user_id' } });
    }
    for (const list of ['followers', 'following']) {
      const res = await call('GET', `${C}/users/987654321/${list}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 40401, details: { field: 'id' } });
    }
    expect(await ids(`${C}/users/${me.id}/following`)).toEqual([]);
  });

  it('is in the OpenAPI document, every route', async () => {
    const api = await call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(expect.arrayContaining([`${C}/follows/{user_id}`, `${C}/users/{id}/followers`, `${C}/users/{id}/following`]));
  });
});

describe('community follow routes refuse bad input with a 4xx naming the field', () => {
  let sys: TestSystem;
  const { call, signUp, follow } = client(() => sys);
  let me: Account;
  let other: Account;
  let followersCursor = '';

  type Case = [name: string, method: string, url: string, auth: 'user' | 'none' | string, status: number, code: number, mentions: string];
  const ID_FORMS = ['0', '-1', 'abc', '1.5', '01', '1e3', '99999999999999999'];
  const q = (url: string, more: string) => `${url}${url.includes('?') ? '&' : '?'}${more}`;
  const paged = (url: string): Case[] => [
    ['limit 0', 'GET', q(url, 'limit=0'), 'none', 400, 40001, 'limit'],
    ['limit -1', 'GET', q(url, 'limit=-1'), 'none', 400, 40001, 'limit'],
    ['limit 999', 'GET', q(url, 'limit=999'), 'none', 400, 40001, 'limit'],
    ['limit 51', 'GET', q(url, 'limit=51'), 'none', 400, 40001, 'limit'],
    ['limit abc', 'GET', q(url, 'limit=abc'), 'none', 400, 40001, 'limit'],
    ['limit 1.5', 'GET', q(url, 'limit=1.5'), 'none', 400, 40001, 'limit'],
    ['cursor with bad characters', 'GET', q(url, 'cursor=a%2Fb'), 'none', 400, 40001, 'cursor'],
    ['a forged cursor', 'GET', q(url, 'cursor=Zm9yZ2Vk'), 'none', 400, 40001, 'cursor'],
    ['cursor too long', 'GET', q(url, `cursor=${'a'.repeat(201)}`), 'none', 400, 40001, 'cursor'],
    ['an unknown parameter', 'GET', q(url, 'page=2'), 'none', 400, 40001, 'page'],
    ['a bad token', 'GET', url, 'Bearer x.y.z', 401, 40101, 'token'],
    ...ID_FORMS.map((id): Case => [`user id ${id}`, 'GET', url.replace('{owner}', id), 'none', 400, 40001, 'id']),
  ];
  const followCases = (method: 'PUT' | 'DELETE'): Case[] => [
    ...ID_FORMS.map((id): Case => [`${method} user id ${id}`, method, `${C}/follows/${id}`, 'user', 400, 40001, 'user_id']),
    [`${method} without a token`, method, `${C}/follows/{other}`, 'none', 401, 40101, 'Authorization'],
    [`${method} with a bad token`, method, `${C}/follows/{other}`, 'Bearer x.y.z', 401, 40101, 'token'],
    [`${method} of yourself`, method, `${C}/follows/{me}`, 'user', 400, 40001, 'user_id'],
    [`${method} of a user that does not exist`, method, `${C}/follows/987654321`, 'user', 404, 40401, 'user_id'],
    [`${method} for someone else (follower_id)`, method, `${C}/follows/{other}?follower_id={other}`, 'user', 400, 40001, 'follower_id'],
  ];
  const cases: Case[] = [
    ...followCases('PUT'),
    ...followCases('DELETE'),
    ...paged(`${C}/users/{owner}/followers`),
    ...paged(`${C}/users/{owner}/following`),
    ["the followers list's cursor given to the following list", 'GET', `${C}/users/{owner}/following?cursor={followersCursor}`, 'none', 400, 40001, 'cursor'],
  ];

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
    me = await signUp();
    other = await signUp();
    await follow(me, other.id);
    const third = await signUp();
    await follow(third, other.id);
    followersCursor = ((await call('GET', `${C}/users/${other.id}/followers?limit=1`)).body as Page).next_cursor;
  }, 120_000);
  afterAll(async () => sys?.stop());

  it.each(cases)('%s: %s %s', async (_name, method, rawUrl, auth, status, code, mentions) => {
    const url = rawUrl.replaceAll('{owner}', String(other.id)).replaceAll('{other}', String(other.id)).replaceAll('{me}', String(me.id)).replace('{followersCursor}', followersCursor);
    const res = await call(method, url, auth === 'user' ? { token: me.token } : auth === 'none' ? {} : { auth: auth });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(mentions);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|SELECT|INSERT|DELETE FROM|sqlite|mysql/i);
  });

  it('changed nothing: me still follows other, and other follows nobody', async () => {
    expect(((await call('GET', `${C}/users/${me.id}/following`)).body as Page).users.map((u) => u.id)).toEqual([other.id]);
    expect(((await call('GET', `${C}/users/${other.id}/following`)).body as Page).users).toEqual([]);
  });
});
