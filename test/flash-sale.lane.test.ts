// The buy route's lane (gateway/mall/flash/buy-lane.ts) answers as the Fastify route does. Each
// case is sent twice: over real HTTP, where the lane takes it, and injected into Fastify (inject
// never reaches the node:http listener, so the route answers). Status, body, and the headers a
// client reads must match, for every kind of answer: a ticket, each refusal of the gate, the
// service's own refusals, and every bad body. Requests the lane leaves to Fastify (an Origin, a
// chunked body, a bad token) are answered as the route answers them too.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type TestSystem } from './harness.js';
import { mallCaller } from './mall-client.js';

const MALL = '/api/v1/mall';
const ADDRESS = { name: '张三', phone: '13900139000', province: '广东', city: '深圳', district: '南山', detail: '科技园 1 号' };

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | undefined>;
}

/** The headers a client reads, as text. */
const readable = (h: Record<string, unknown>) => ({
  'content-type': h['content-type'] as string | undefined,
  'x-content-type-options': h['x-content-type-options'] as string | undefined,
  'retry-after': h['retry-after'] as string | undefined,
  'x-request-id': h['x-request-id'] === undefined ? undefined : 'present',
});

/** A ticket's fields that differ between two buys (ids, times) as their kind only. */
const shape = (body: unknown): unknown => {
  const t = (body as { ticket?: Record<string, unknown> }).ticket;
  if (t === undefined) return body;
  return { ticket: { ...t, id: typeof t.id, created_at: typeof t.created_at } };
};

describe('the buy lane answers as the buy route', () => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;
  const call = mallCaller(() => sys);

  /** Over the listener: the lane's, when it takes the request. */
  const overHttp = (path: string, headers: Record<string, string>, body: string | undefined, chunked = false): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const url = new URL(sys.url + path);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers: chunked || body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, headers: readable(res.headers) }));
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  /** Injected: the route's. */
  const injected = async (path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> => {
    const res = await sys.app.inject({ method: 'POST', url: path, headers, payload: body, remoteAddress: '127.0.0.1' });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: readable(res.headers) };
  };

  const shopper = async () => {
    const res = await call('POST', '/api/v1/users/register', { body: { username: uniq('lane'), password: 'secret123' } });
    expect(res.status).toBe(201);
    const { token } = res.body as { token: string };
    const address = await call('POST', `${MALL}/addresses`, { body: ADDRESS, token });
    expect(address.status).toBe(201);
    return { token, addressId: address.body.address.id as number };
  };

  let adminToken = '';
  let categoryId = 0;
  const sale = async (o: { stock: number; perUserLimit: number; startsInMs?: number }) => {
    const made = await call('POST', `${MALL}/admin/products`, { body: { name: `Lane ${uniq('p')}`, category_id: categoryId, price_cents: 1_000, stock: o.stock + 5 }, token: adminToken });
    expect(made.status).toBe(201);
    const now = Date.now();
    const created = await call('POST', `${MALL}/admin/flash-sales`, {
      body: { product_id: made.body.product.id, price_cents: 500, stock: o.stock, start_at: now + (o.startsInMs ?? -1_000), end_at: now + (o.startsInMs ?? 0) + 3_600_000, per_user_limit: o.perUserLimit },
      token: adminToken,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.flash_sale.id as number;
  };
  const buyPath = (saleId: number) => `${MALL}/flash-sales/${saleId}/buy`;
  const headersOf = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    // Two buys a second per user: a third at once is the gate's 429.
    sys = await startTestSystem('embedded', { 'seckill.buysPerUserPerSecond': 2, 'limits.loginPerIp.quota': 1_000_000 });
    const res = await call('POST', '/api/v1/users/register', { body: { username: uniq('laneadmin'), password: 'secret123' } });
    adminToken = res.body.token;
    await sys.client(UserServiceDefinition).setRole({ userId: res.body.id, role: 'admin', granted: true });
    const category = await call('POST', `${MALL}/admin/categories`, { body: { name: uniq('Lane') }, token: adminToken });
    expect(category.status).toBe(201);
    categoryId = category.body.category.id;
  }, 60_000);
  afterAll(() => sys?.stop());

  /** The same request from two fresh buyers, one per path; `prepare` puts each buyer in the case's state first. */
  const both = async (saleId: number, body: (addressId: number) => string | undefined, prepare?: (path: string, buyer: { token: string; addressId: number }) => Promise<void>) => {
    const [a, b] = [await shopper(), await shopper()];
    await prepare?.('http', a);
    await prepare?.('inject', b);
    const lane = await overHttp(buyPath(saleId), headersOf(a.token), body(a.addressId));
    const route = await injected(buyPath(saleId), headersOf(b.token), body(b.addressId));
    return { lane, route };
  };

  it('a ticket: 202 with the same ticket fields', async () => {
    const saleId = await sale({ stock: 10, perUserLimit: 1 });
    const { lane, route } = await both(saleId, (address) => JSON.stringify({ address_id: address }));
    expect(lane.status).toBe(202);
    expect({ ...lane, body: shape(lane.body) }).toEqual({ ...route, body: shape(route.body) });
  });

  const refusals: { name: string; status: number; sale: () => Promise<number>; prepare?: (saleId: number) => (path: string, buyer: { token: string; addressId: number }) => Promise<void> }[] = [
    {
      name: 'over the per-user limit (409, 40903)',
      status: 409,
      sale: () => sale({ stock: 10, perUserLimit: 1 }),
      prepare: (saleId) => async (_path, buyer) => {
        const first = await call('POST', buyPath(saleId), { body: { address_id: buyer.addressId }, token: buyer.token });
        expect(first.status).toBe(202);
      },
    },
    {
      name: 'sold out (409 sold_out)',
      status: 409,
      sale: async () => {
        const saleId = await sale({ stock: 1, perUserLimit: 1 });
        const buyer = await shopper();
        expect((await call('POST', buyPath(saleId), { body: { address_id: buyer.addressId }, token: buyer.token })).status).toBe(202);
        return saleId;
      },
    },
    { name: 'not started (403 not_started)', status: 403, sale: () => sale({ stock: 5, perUserLimit: 1, startsInMs: 3_600_000 }) },
    {
      name: 'rate limited (429 with Retry-After)',
      status: 429,
      sale: () => sale({ stock: 5, perUserLimit: 1, startsInMs: 3_600_000 }),
      prepare: (saleId) => async (_path, buyer) => {
        for (let i = 0; i < 2; i++) expect((await call('POST', buyPath(saleId), { body: { address_id: buyer.addressId }, token: buyer.token })).status).toBe(403);
      },
    },
    { name: 'no such sale (404)', status: 404, sale: async () => 987_654_321 },
  ];
  it.each(refusals)('$name', async (c) => {
    const saleId = await c.sale();
    const { lane, route } = await both(saleId, (address) => JSON.stringify({ address_id: address }), c.prepare?.(saleId));
    expect(lane.status).toBe(c.status);
    expect(lane).toEqual(route);
  });

  const deep = `{"address_id":${'['.repeat(40)}${']'.repeat(40)}}`;
  const badBodies: { name: string; body: (address: number) => string; field: string; status?: number }[] = [
    { name: 'an empty object', body: () => '{}', field: 'address_id' },
    { name: 'address_id as text', body: () => '{"address_id":"7"}', field: 'address_id' },
    { name: 'address_id zero', body: () => '{"address_id":0}', field: 'address_id' },
    { name: 'quantity zero', body: (a) => `{"address_id":${a},"quantity":0}`, field: 'quantity' },
    { name: 'quantity over 100', body: (a) => `{"address_id":${a},"quantity":101}`, field: 'quantity' },
    { name: 'quantity fractional', body: (a) => `{"address_id":${a},"quantity":1.5}`, field: 'quantity' },
    { name: 'an unknown field', body: (a) => `{"address_id":${a},"coupon":1}`, field: 'coupon' },
    { name: 'an array', body: () => '[1]', field: 'body' },
    { name: 'not JSON', body: () => '{address_id: 1}', field: 'body' },
    { name: 'a __proto__ key', body: (a) => `{"__proto__":{"x":1},"address_id":${a}}`, field: 'body' },
    { name: 'nested past the depth limit', body: () => deep, field: 'body', status: 413 },
  ];
  it.each(badBodies)('a bad body, $name: refused naming $field, alike', async (c) => {
    const saleId = await sale({ stock: 5, perUserLimit: 5 });
    const { lane, route } = await both(saleId, c.body);
    expect(lane.status).toBe(c.status ?? 400);
    if (lane.status === 400) expect((lane.body as { details?: { field?: string } }).details?.field).toBe(c.field);
    expect(lane).toEqual(route);
  });

  it('left to the route: a bad token, text/plain, an Origin, a chunked body, a query string', async () => {
    const saleId = await sale({ stock: 10, perUserLimit: 1 });
    const send = async (path: string, headers: (token: string) => Record<string, string>, chunked = false) => {
      const buyer = await shopper();
      return overHttp(path, headers(buyer.token), JSON.stringify({ address_id: buyer.addressId }), chunked);
    };
    const badToken = await send(buyPath(saleId), () => headersOf('nope'));
    expect(badToken.status).toBe(401);
    expect(badToken).toEqual(await injected(buyPath(saleId), headersOf('nope'), '{"address_id":1}'));
    expect((await send(buyPath(saleId), (t) => ({ ...headersOf(t), 'content-type': 'text/plain' }))).status).toBe(415);
    // Served by the route, each still a buy.
    expect((await send(buyPath(saleId), (t) => ({ ...headersOf(t), origin: 'https://shop.example' }))).status).toBe(202);
    expect((await send(buyPath(saleId), (t) => ({ ...headersOf(t), 'transfer-encoding': 'chunked' }), true)).status).toBe(202);
    expect((await send(`${buyPath(saleId)}?x=1`, headersOf)).status).toBe(202);
  });

  it('a lane answer names its request and is counted under the route pattern', async () => {
    const saleId = await sale({ stock: 5, perUserLimit: 1 });
    const buyer = await shopper();
    const given = await overHttp(buyPath(saleId), { ...headersOf(buyer.token), 'x-request-id': 'lane-probe-1' }, JSON.stringify({ address_id: buyer.addressId }));
    expect(given.status).toBe(202);
    const metrics = await sys.metrics.render();
    expect(metrics).toMatch(/surge_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/mall\/flash-sales\/:id\/buy"[^}]*status="202"[^}]*\}/);
  });
});
