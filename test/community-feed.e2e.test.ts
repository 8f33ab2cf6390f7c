// The community's following feed end to end, as a client uses it, in embedded mode and on the
// real servers (MariaDB, Redis, NATS), with feed.pushLimit 2 so a few follows cross it: an
// author's articles reach their followers' feeds whether pushed (2 followers or fewer) or pulled
// (more), newest first, each once, paged without gaps or repeats; a new follower finds the
// author's recent articles, an unfollow and a delete take them out; a feed is only ever the
// caller's own; and the route refuses bad input with a 4xx naming the field. Events are
// asynchronous: the tests wait for a feed to show what they expect, never a fixed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { communityClient } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';
const PUSH_LIMIT = 2;

interface Account {
  id: number;
  token: string;
}
interface Summary {
  id: number;
  title: string;
  author: { id: number; name: string; avatar: string };
  summary: string;
  created_at: number;
}
interface FeedPage {
  articles: Summary[];
  next_cursor: string;
  is_end: boolean;
}

function client(sys: () => TestSystem) {
  let seq = 0;
  const { call, signUp } = communityClient(sys, 'feed');
  const follow = async (who: Account, author: Account, on = true) => {
    const res = await call(on ? 'PUT' : 'DELETE', `${C}/follows/${author.id}`, { token: who.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const publish = async (author: Account): Promise<number> => {
    const res = await call('POST', `${C}/articles`, { token: author.token, body: { title: `An article ${seq++}`, content: 'Some **Markdown** here.' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { article: { id: number } }).article.id;
  };
  /** Every page of the reader's feed at this page size: each page full but the last. */
  const feed = async (reader: Account, limit = 50): Promise<number[]> => {
    const seen: number[] = [];
    let cursor = '';
    for (let pages = 1; pages <= 100; pages++) {
      const res = await call('GET', `${C}/feed?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: reader.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as FeedPage;
      seen.push(...page.articles.map((a) => a.id));
      if (page.is_end) {
        expect(page.next_cursor).toBe('');
        return seen;
      }
      expect(page.articles).toHaveLength(limit);
      cursor = page.next_cursor;
    }
    throw new Error('the feed never ended');
  };
  /**
   * The reader's feed at this page size once it equals `expected`; fails after 15 s with what it
   * last was. Events land asynchronously, and a gateway keeps each page for community.pageCacheMs,
   * so a page size read before the last publish may show the older page for that long.
   */
  const feedBecomes = async (reader: Account, expected: number[], limit = 50) => {
    const end = Date.now() + 15_000;
    for (;;) {
      const now = await feed(reader, limit);
      if (JSON.stringify(now) === JSON.stringify(expected) || Date.now() > end) return expect(now, `limit ${limit}`).toEqual(expected);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { call, signUp, follow, publish, feed, feedBecomes };
}

/** Article ids are snowflakes: newest first is descending id for articles published one after another. */
const newestFirst = (ids: number[]) => [...ids].sort((a, b) => b - a);

describe.each(modes)('community feed (%s)', (mode) => {
  let sys: TestSystem;
  const { call, signUp, follow, publish, feed, feedBecomes } = client(() => sys);

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000, 'feed.pushLimit': PUSH_LIMIT });
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('shows followed authors’ articles across the push limit, both ways, each once at every page size', async () => {
    const [reader, fan1, fan2, small, big, stranger] = [await signUp(), await signUp(), await signUp(), await signUp(), await signUp(), await signUp()];
    await follow(reader, small);
    await follow(reader, big);
    await follow(fan1, big); // big: 2 followers, pushed
    const pushed = [await publish(big), await publish(small)];
    await feedBecomes(reader, newestFirst(pushed));
    await feedBecomes(fan1, [pushed[0]!]);

    await follow(fan2, big); // 3 followers: above the limit, pulled from now on
    await feedBecomes(fan2, [pushed[0]!]); // fan2's backfill, applied with the count
    const pulled = [await publish(big), await publish(small), await publish(big)];
    const all = newestFirst([...pushed, ...pulled]);
    await feedBecomes(reader, all);
    for (const limit of [1, 2, 3, 50]) await feedBecomes(reader, all, limit);
    await feedBecomes(fan2, newestFirst([pushed[0]!, pulled[0]!, pulled[2]!]));

    await follow(fan1, big, false); // 2 again: pushed again; fan1's feed empties
    await feedBecomes(fan1, []);
    const again = await publish(big);
    await feedBecomes(reader, newestFirst([...all, again]));
    for (const limit of [1, 4]) await feedBecomes(reader, newestFirst([...all, again]), limit);
    await feedBecomes(fan2, newestFirst([pushed[0]!, pulled[0]!, pulled[2]!, again]));
    // Followed by no one: nothing in anyone's feed.
    expect(await feed(stranger)).toEqual([]);
    await publish(stranger);
    expect(await feed(reader)).toEqual(newestFirst([...all, again]));
  });

  it('shows each article as an author’s list shows it', async () => {
    const [reader, author] = [await signUp(), await signUp()];
    await follow(reader, author);
    const id = await publish(author);
    await feedBecomes(reader, [id]);
    const fromFeed = (await call('GET', `${C}/feed`, { token: reader.token })).body as FeedPage;
    const fromList = (await call('GET', `${C}/users/${author.id}/articles`, { token: reader.token })).body as FeedPage;
    expect(fromFeed).toEqual({ articles: fromList.articles, next_cursor: '', is_end: true });
  });

  it('gives a new follower the author’s recent articles; an unfollow and a delete take them out', async () => {
    const [reader, author, other] = [await signUp(), await signUp(), await signUp()];
    const earlier = [await publish(author), await publish(author)];
    await follow(reader, author);
    await feedBecomes(reader, newestFirst(earlier));
    await follow(reader, other);
    const theirs = await publish(other);
    await feedBecomes(reader, newestFirst([...earlier, theirs]));

    const removed = await call('DELETE', `${C}/articles/${earlier[1]}`, { token: author.token });
    expect(removed.status).toBe(204);
    await feedBecomes(reader, newestFirst([earlier[0]!, theirs]));
    await follow(reader, author, false);
    await feedBecomes(reader, [theirs]);
  });

  it('is only ever the caller’s own feed: another user’s id in the query is refused, not read', async () => {
    const [reader, author, nosy] = [await signUp(), await signUp(), await signUp()];
    await follow(reader, author);
    const id = await publish(author);
    await feedBecomes(reader, [id]);
    for (const query of [`user_id=${reader.id}`, `userId=${reader.id}`]) {
      const res = await call('GET', `${C}/feed?${query}`, { token: nosy.token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 40001 });
    }
    // The reader's cursor is only a position: in nosy's hands it pages nosy's own (empty) feed.
    const second = await publish(author);
    await feedBecomes(reader, newestFirst([id, second]));
    const page = (await call('GET', `${C}/feed?limit=1`, { token: reader.token })).body as FeedPage;
    expect((await call('GET', `${C}/feed?cursor=${page.next_cursor}`, { token: nosy.token })).body).toEqual({ articles: [], next_cursor: '', is_end: true });
    expect(await feed(nosy)).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const api = await call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toContain(`${C}/feed`);
  });
});

describe('the feed route refuses bad input with a 4xx naming the field', () => {
  let sys: TestSystem;
  const { call, signUp, follow, publish, feedBecomes } = client(() => sys);
  let me: Account;
  let listCursor = '';

  type Case = [name: string, query: string, auth: 'user' | 'none' | string, status: number, code: number, mentions: string];
  const cases: Case[] = [
    ['limit 0', 'limit=0', 'user', 400, 40001, 'limit'],
    ['limit -1', 'limit=-1', 'user', 400, 40001, 'limit'],
    ['limit 51', 'limit=51', 'user', 400, 40001, 'limit'],
    ['limit 999', 'limit=999', 'user', 400, 40001, 'limit'],
    ['limit abc', 'limit=abc', 'user', 400, 40001, 'limit'],
    ['limit 1.5', 'limit=1.5', 'user', 400, 40001, 'limit'],
    ['cursor with bad characters', 'cursor=a%2Fb', 'user', 400, 40001, 'cursor'],
    ['a forged cursor', 'cursor=Zm9yZ2Vk', 'user', 400, 40001, 'cursor'],
    ['cursor too long', `cursor=${'a'.repeat(201)}`, 'user', 400, 40001, 'cursor'],
    ["an author list's cursor", 'cursor={listCursor}', 'user', 400, 40001, 'cursor'],
    ['an unknown parameter', 'page=2', 'user', 400, 40001, 'page'],
    ['no token', '', 'none', 401, 40101, 'Authorization'],
    ['a bad token', '', 'Bearer x.y.z', 401, 40101, 'token'],
  ];

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000, 'feed.pushLimit': PUSH_LIMIT });
    me = await signUp();
    const author = await signUp();
    await follow(me, author);
    const ids = [await publish(author), await publish(author)];
    await feedBecomes(me, newestFirst(ids));
    listCursor = ((await call('GET', `${C}/users/${author.id}/articles?limit=1`)).body as FeedPage).next_cursor;
  }, 120_000);
  afterAll(async () => sys?.stop());

  it.each(cases)('%s: %s', async (_name, query, auth, status, code, mentions) => {
    const url = `${C}/feed${query ? `?${query.replace('{listCursor}', listCursor)}` : ''}`;
    const res = await call('GET', url, auth === 'user' ? { token: me.token } : auth === 'none' ? {} : { auth: auth });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toMatchObject({ code });
    expect(JSON.stringify(res.body)).toContain(mentions);
  });
});
