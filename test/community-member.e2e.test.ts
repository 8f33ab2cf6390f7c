// Community membership end to end, as a client uses it, in embedded mode and on the real servers
// (MariaDB, Redis, NATS): articles published earn their author points (4 a UTC day counted), a
// like from someone else earns the owner 1 and one's own like nothing; buying VIP makes a payment
// the built-in simulator confirms through the gateway's signed notify route, as an order's is
// (test/mall-pay.e2e.test.ts), and pay.paid extends VIP once, a second purchase from the later
// expiry; the routes act for the caller only (no user id is taken, another's purchase reads as
// none, and nobody else can confirm it); and a table of bad input, each a 4xx naming the field.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf, requireServer, servers } from '#kit/testing';
import { PayServiceDefinition } from '#gen/surge/pay/v1/pay';
import { communityClient } from './community-client.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const C = '/api/v1/community';
const DAY_MS = 86_400_000;
const VIP_MONTH_MS = 30 * DAY_MS;

/** A port free now, so the simulator can be told where to call before the system starts. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The system with the simulator calling its own gateway's notify route, confirming 50 ms after a charge. */
async function startWithSimulator(mode: Mode): Promise<TestSystem> {
  const port = await freePort();
  return startTestSystem(mode, { 'http.port': port, 'pay.notifyUrl': `http://127.0.0.1:${port}/api/v1/mall/pay/notify`, 'pay.simulatorDelayMs': 50, 'limits.loginPerIp.quota': 1000 });
}

interface Purchase {
  purchase: { id: number; months: number; amount_cents: number; applied: boolean };
  payment: { id: number; status: string; amount_cents: number; provider: string; created_at: number; paid_at: number | null };
}

interface User {
  id: number;
  token: string;
}

function clientOf(sys: () => TestSystem) {
  let seq = 0;
  const { call, signUp } = communityClient(sys, 'mb');
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
  const buyVip = async (token: string, body: unknown) => {
    const res = await call('POST', `${C}/me/vip`, { token, body });
    expect(res.status, res.text).toBe(200);
    return res.body as Purchase;
  };
  const purchase = async (token: string, id: number) => {
    const res = await call('GET', `${C}/me/vip/${id}`, { token });
    expect(res.status, res.text).toBe(200);
    return res.body as Purchase;
  };
  return { call, signUp, publish, membership, until, buyVip, purchase };
}

describe.each(modes)('community membership (%s)', (mode) => {
  let sys: TestSystem;
  const c = clientOf(() => sys);
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    sys = await startWithSimulator(mode);
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

  let alicePurchase: Purchase;

  it('buys VIP: the simulator confirms the payment, and VIP runs months × 30 days from then; a second purchase extends from the later expiry', async () => {
    const before = Date.now();
    const bought = await c.buyVip(alice.token, { months: 2 });
    expect(bought).toMatchObject({ purchase: { months: 2, amount_cents: 3000, applied: false }, payment: { status: 'pending', amount_cents: 3000, provider: 'simulator', paid_at: null } });
    alicePurchase = bought;
    const first = (await c.until(() => c.membership(alice.token), (m) => m.vip_until !== null, 'VIP after the payment')).vip_until!;
    expect(first).toBeGreaterThanOrEqual(before + 2 * VIP_MONTH_MS);
    expect(first).toBeLessThanOrEqual(Date.now() + 2 * VIP_MONTH_MS);
    const shown = await c.purchase(alice.token, bought.purchase.id);
    expect(shown).toMatchObject({ purchase: { id: bought.purchase.id, applied: true }, payment: { id: bought.payment.id, status: 'paid', paid_at: expect.any(Number) } });

    const again = await c.buyVip(alice.token, { months: 1 });
    expect(again.purchase.id).not.toBe(bought.purchase.id);
    const second = await c.until(() => c.membership(alice.token), (m) => m.vip_until !== first, 'VIP after the second payment');
    // From the first expiry, not from now: exactly one month more.
    expect(second.vip_until).toBe(first + VIP_MONTH_MS);
    await c.until(() => c.purchase(alice.token, again.purchase.id), (p) => p.purchase.applied, 'the second purchase applied');
    expect((await c.membership(alice.token)).vip_until).toBe(first + VIP_MONTH_MS);
  });

  it('a payment the simulator fails extends nothing', async () => {
    const before = (await c.membership(alice.token)).vip_until;
    const bought = await c.buyVip(alice.token, { months: 1, simulate: 'fail' });
    const failed = await c.until(() => c.purchase(alice.token, bought.purchase.id), (p) => p.payment.status !== 'pending', 'the failed payment');
    expect(failed).toMatchObject({ purchase: { applied: false }, payment: { status: 'failed', paid_at: null } });
    expect((await c.membership(alice.token)).vip_until).toBe(before);
  });

  it("another user can neither see nor confirm someone else's purchase", async () => {
    const before = await c.membership(alice.token);
    const { purchase, payment } = alicePurchase;
    const seen = await c.call('GET', `${C}/me/vip/${purchase.id}`, { token: bob.token });
    expect(seen.status, seen.text).toBe(404);
    expect(seen.body).toMatchObject({ details: { field: 'id' } });
    expect(seen.text).not.toContain(String(payment.id));
    expect((await c.call('GET', `${C}/me/vip/${purchase.id + 1}`, { token: alice.token })).status).toBe(404);
    // The payment is Alice's at the pay service too.
    await rejectionOf(sys.client(PayServiceDefinition).getPayment({ userId: bob.id, id: payment.id }), Code.NotFound);
    // A notification only the provider's key signs: one made up by anyone else is refused.
    const forged = JSON.stringify({ id: 'n-forged', payment_id: String(payment.id), status: 'paid', amount_cents: payment.amount_cents });
    const res = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/mall/pay/notify',
      payload: forged,
      headers: { 'content-type': 'application/json', 'x-surge-key-id': 'pay-simulator', 'x-surge-timestamp': String(Math.floor(Date.now() / 1000)), 'x-surge-nonce': 'n0nce-forged-vip', 'x-surge-signature': 'a'.repeat(64) },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect((await c.membership(bob.token)).vip_until).toBeNull();
    expect(await c.membership(alice.token)).toEqual(before);
  });

  it("acts for the caller only: another user's id in the query or the body is refused, and changes nothing", async () => {
    const before = await c.membership(alice.token);
    for (const res of [
      await c.call('GET', `${C}/me/membership?user_id=${alice.id}`, { token: bob.token }),
      await c.call('POST', `${C}/me/vip`, { token: bob.token, body: { months: 1, user_id: alice.id } }),
      await c.call('POST', `${C}/me/vip?user_id=${alice.id}`, { token: bob.token, body: { months: 1 } }),
      await c.call('GET', `${C}/me/vip/${alicePurchase.purchase.id}?user_id=${alice.id}`, { token: bob.token }),
    ]) {
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ code: 40001, message: expect.stringContaining('user_id') });
    }
    expect(await c.membership(alice.token)).toEqual(before);
  });

  it('is in the OpenAPI document, every route', async () => {
    const api = await c.call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(expect.arrayContaining([`${C}/me/membership`, `${C}/me/vip`, `${C}/me/vip/{id}`]));
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
    ['a purchase id of 0', 'GET', `${C}/me/vip/0`, {}, 400, 40001, 'id'],
    ['a negative purchase id', 'GET', `${C}/me/vip/-3`, {}, 400, 40001, 'id'],
    ['a purchase id that is not a number', 'GET', `${C}/me/vip/abc`, {}, 400, 40001, 'id'],
    ['a purchase id past 2^53', 'GET', `${C}/me/vip/9007199254740993`, {}, 400, 40001, 'id'],
    ['an unknown parameter on a purchase', 'GET', `${C}/me/vip/1?page=2`, {}, 400, 40001, 'page'],
    ['an unknown purchase', 'GET', `${C}/me/vip/1`, {}, 404, 40401, 'id'],
    ...signedOut('GET', `${C}/me/vip/1`),
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
