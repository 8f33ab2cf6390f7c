// Community membership end to end, as a client uses it, in embedded mode and on the real servers
// (MariaDB, Redis, NATS): articles published earn their author points (4 a UTC day counted), a
// like from someone else earns the owner 1 and one's own like nothing; the routes act for the
// caller only (no user id is taken, so nobody reads or buys another's membership); buying VIP is
// refused with a 409 while the pay service takes payments of orders only; and a table of bad
// input, each a 4xx naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';
const DAY_MS = 86_400_000;

interface User {
  id: number;
  token: string;
}

function clientOf(sys: () => TestSystem) {
  let seq = 0;
  const call = async (method: string, url: string, o: { body?: unknown; raw?: string; token?: string; auth?: string } = {}) => {
    const auth = o.auth ?? (o.token ? `Bearer ${o.token}` : undefined);
    const res = await sys().app.inject({
      method: method as 'GET',
      url,
      remoteAddress: '127.0.0.1',
      headers: { ...(auth ? { authorization: auth } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, text: res.body };
  };
  const signUp = async (): Promise<User> => {
    const res = await call('POST', '/api/v1/users/register', { body: { username: `mb${Date.now().toString(36)}${seq++}`, password: 'secret123' } });
    expect(res.status, res.text).toBe(201);
    return res.body as User;
  };
  const publish = async (token: string) => {
    const res = await call('POST', `${C}/articles`, { token, body: { title: `article ${seq++}`, content: 'Points, please.' } });
    expect(res.status, res.text).toBe(201);
    return res.body.article as { id: number };
  };
  const membership = async (token: string) => {
    const res = await call('GET', `${C}/me/membership`, { token });
    expect(res.status, res.text).toBe(200);
    return res.body as { points: number; level: number; vip_until: number | null };
  };
  /** Polls until `ok` holds of what `read` answers (events arrive through the queue). */
  const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> => {
    const end = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > end) throw new Error(`never: ${what}; last ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { call, signUp, publish, membership, until };
}

describe.each(modes)('community membership (%s)', (mode) => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 });
    [alice, bob] = [await c.signUp(), await c.signUp()];
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('starts every member at 0 points, level 1, no VIP', async () => {
    expect(await c.membership(alice.token)).toEqual({ points: 0, level: 1, vip_until: null });
  });

  it('gives 5 points for each of the first 4 articles of a UTC day, 1 for a like from someone else, nothing for liking one own', async () => {
    const day = Math.floor(Date.now() / DAY_MS);
    const articles = [];
    for (let i = 0; i < 5; i++) articles.push(await c.publish(alice.token));
    await c.until(() => c.membership(alice.token), (m) => m.points >= 20, 'the article points');
    const own = await c.call('PUT', `${C}/likes/article/${articles[0]!.id}`, { token: alice.token });
    expect(own.status, own.text).toBe(200);
    const liked = await c.call('PUT', `${C}/likes/article/${articles[0]!.id}`, { token: bob.token });
    expect(liked.status, liked.text).toBe(200);
    const after = await c.until(() => c.membership(alice.token), (m) => m.points >= 21, "bob's like");
    // Exact unless the run crossed 00:00 UTC, where the fifth article would count on a new day.
    if (Math.floor(Date.now() / DAY_MS) === day) expect(after).toEqual({ points: 21, level: 1, vip_until: null });
    // An unlike takes nothing back.
    expect((await c.call('DELETE', `${C}/likes/article/${articles[0]!.id}`, { token: bob.token })).status).toBe(200);
    expect((await c.membership(alice.token)).points).toBe(after.points);
    // Bob reads his own membership, not Alice's.
    expect(await c.membership(bob.token)).toEqual({ points: 0, level: 1, vip_until: null });
  });

  it('refuses buying VIP with a 409 while the pay service takes payments of orders only, and VIP stays unset', async () => {
    const res = await c.call('POST', `${C}/me/vip`, { token: bob.token, body: { months: 3 } });
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({ code: 40902, details: { field: 'months', reason: 'vip_payments_unavailable' } });
    expect((await c.membership(bob.token)).vip_until).toBeNull();
  });

  it("acts for the caller only: another user's id in the query or the body is refused, and changes nothing", async () => {
    const before = await c.membership(alice.token);
    for (const res of [
      await c.call('GET', `${C}/me/membership?user_id=${alice.id}`, { token: bob.token }),
      await c.call('POST', `${C}/me/vip`, { token: bob.token, body: { months: 1, user_id: alice.id } }),
      await c.call('POST', `${C}/me/vip?user_id=${alice.id}`, { token: bob.token, body: { months: 1 } }),
    ]) {
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id') });
    }
    expect(await c.membership(alice.token)).toEqual(before);
  });

  it('is in the OpenAPI document, both routes', async () => {
    const api = await c.call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(expect.arrayContaining([`${C}/me/membership`, `${C}/me/vip`]));
  });
});

describe('community membership routes refuse bad input with a 4xx naming the field (embedded)', () => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let user: User;

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
    user = await c.signUp();
  }, 120_000);
  afterAll(async () => sys?.stop());

  type Case = [name: string, method: string, url: string, opts: { body?: unknown; raw?: string; auth?: string }, status: number, code: number, mentions: string];
  const signedOut = (method: string, url: string, body?: unknown): Case[] => [
    ['without a token', method, url, { body }, 401, 40101, 'Authorization'],
    ['with a bad token', method, url, { auth: 'Bearer x.y.z', body }, 401, 40101, 'token'],
  ];
  const vip = (name: string, body: unknown): Case => [name, 'POST', `${C}/me/vip`, { body }, 400, 40001, 'months'];
  const cases: Case[] = [
    ['an unknown parameter', 'GET', `${C}/me/membership?page=2`, {}, 400, 40001, 'page'],
    ...signedOut('GET', `${C}/me/membership`),
    vip('0 months', { months: 0 }),
    vip('13 months', { months: 13 }),
    vip('-1 months', { months: -1 }),
    vip('1.5 months', { months: 1.5 }),
    vip('months as text', { months: '3' }),
    vip('months null', { months: null }),
    vip('without months', {}),
    ['an unknown simulation', 'POST', `${C}/me/vip`, { body: { months: 1, simulate: 'refund' } }, 400, 40001, 'simulate'],
    ['an unknown field', 'POST', `${C}/me/vip`, { body: { months: 1, price_cents: 1 } }, 400, 40001, 'price_cents'],
    ['a body that is not JSON', 'POST', `${C}/me/vip`, { raw: '{"months":' }, 400, 40001, 'body'],
    ['without a body', 'POST', `${C}/me/vip`, {}, 400, 40001, 'body'],
    ...signedOut('POST', `${C}/me/vip`, { months: 1 }),
  ];

  it.each(cases)('%s: %s %s', async (_name, method, url, o, status, code, mentions) => {
    // Signed in as the user, unless the case gives its own Authorization header or is about having none.
    const signedIn = o.auth === undefined && status !== 401;
    const res = await c.call(method, url, { body: o.body, raw: o.raw, ...(signedIn ? { token: user.token } : {}), ...(o.auth !== undefined ? { auth: o.auth } : {}) });
    expect(res.status, res.text).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(mentions);
    expect(res.text).not.toMatch(/at \w+ \(|SELECT|INSERT|DELETE FROM|sqlite|mysql/i);
  });

  it('changed nothing', async () => {
    expect(await c.membership(user.token)).toEqual({ points: 0, level: 1, vip_until: null });
  });
});
