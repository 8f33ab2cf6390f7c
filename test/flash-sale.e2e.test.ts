// The flash sale through the mall API, as a shop client uses it, embedded and on the real servers:
// an admin's sale of a product, a buy answered with a ticket the buyer polls until it is an order
// at the sale price, the per-user limit, the sell-out (answered by the gateway's flag without an
// RPC afterwards), the window, the home page, tickets seen by their buyer only, and a flood from
// one user held back with 429 and Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';
import { mallCaller } from './mall-client.js';
import { callsBetween, rpcCalls } from './rpc-calls.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const MALL = '/api/v1/mall';
const ADDRESS = { name: '张三', phone: '13900139000', province: '广东', city: '深圳', district: '南山', detail: '科技园 1 号' };

interface Ticket {
  id: number;
  sale_id: number;
  quantity: number;
  status: 'reserved' | 'ordered' | 'released';
  order_id: number | null;
}

describe.each(modes)('flash sales over HTTP (%s)', (mode) => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;
  const call = mallCaller(() => sys);

  /** A new user with a default address. */
  const shopper = async () => {
    const res = await call('POST', '/api/v1/users/register', { body: { username: uniq('flash'), password: 'secret123' } });
    expect(res.status).toBe(201);
    const { id, token } = res.body as { id: number; token: string };
    const address = await call('POST', `${MALL}/addresses`, { body: ADDRESS, token });
    expect(address.status).toBe(201);
    return { id, token, addressId: address.body.address.id as number };
  };

  /** Calls `get` until `ok` holds (the ticket worker runs in the background), at most 20 s. */
  const eventually = async <T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const v = await get();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  let admin: { id: number; token: string };
  let categoryId = 0;
  /** A product of this stock at 100.00, made by the admin. */
  const product = async (stock: number) => {
    const made = await call('POST', `${MALL}/admin/products`, { body: { name: `秒杀 Flash ${uniq('p')}`, category_id: categoryId, price_cents: 10_000, stock }, token: admin.token });
    expect(made.status).toBe(201);
    return made.body.product as { id: number; stock: number };
  };
  /** A sale of a new product, running from a second ago for an hour unless told. */
  const createSale = async (o: { stock: number; per_user_limit?: number; start_at?: number; end_at?: number }) => {
    const p = await product(o.stock + 10);
    const now = Date.now();
    const res = await call('POST', `${MALL}/admin/flash-sales`, {
      body: { product_id: p.id, price_cents: 4_900, stock: o.stock, start_at: o.start_at ?? now - 1000, end_at: o.end_at ?? now + 3_600_000, per_user_limit: o.per_user_limit ?? 2 },
      token: admin.token,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.flash_sale as { id: number; product_id: number; stock_left: number; status: string };
  };
  const buy = (saleId: number, user: { token: string; addressId: number }, quantity?: number) =>
    call('POST', `${MALL}/flash-sales/${saleId}/buy`, { body: { address_id: user.addressId, ...(quantity === undefined ? {} : { quantity }) }, token: user.token });

  beforeAll(async () => {
    sys = await startTestSystem(mode, { 'seckill.demoSale': false, 'limits.loginPerIp.quota': 1000, 'seckill.soldOutRecheckMs': 60_000 });
    const res = await call('POST', '/api/v1/users/register', { body: { username: uniq('flashadmin'), password: 'secret123' } });
    admin = res.body;
    await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
    categoryId = (await call('POST', `${MALL}/admin/categories`, { body: { name: uniq('秒杀') }, token: admin.token })).body.category.id;
  }, 120_000);
  afterAll(async () => sys?.stop());

  it("lets only an admin create a sale, which takes its units from the product's stock and is listed with stock_left", async () => {
    const p = await product(30);
    const now = Date.now();
    const body = { product_id: p.id, price_cents: 4_900, stock: 20, start_at: now - 1000, end_at: now + 3_600_000, per_user_limit: 2 };
    const shopperToken = (await shopper()).token;
    expect((await call('POST', `${MALL}/admin/flash-sales`, { body })).status).toBe(401);
    const refused = await call('POST', `${MALL}/admin/flash-sales`, { body, token: shopperToken });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(40301);

    const created = await call('POST', `${MALL}/admin/flash-sales`, { body, token: admin.token });
    expect(created.status).toBe(201);
    const sale = created.body.flash_sale;
    expect(sale).toMatchObject({ product_id: p.id, price_cents: 4_900, original_price_cents: 10_000, stock: 20, stock_left: 20, start_at: body.start_at, end_at: body.end_at, per_user_limit: 2, status: 'running' });
    expect((await call('GET', `${MALL}/products/${p.id}`)).body.product.stock).toBe(10);
    // More than the product has left: 409 naming stock, and nothing taken.
    const short = await call('POST', `${MALL}/admin/flash-sales`, { body: { ...body, stock: 11 }, token: admin.token });
    expect(short.status).toBe(409);
    expect(short.body.message).toContain('stock');

    const listed = await call('GET', `${MALL}/flash-sales`);
    expect(listed.status).toBe(200);
    expect(listed.body.flash_sales).toContainEqual(expect.objectContaining({ id: sale.id, stock_left: 20, status: 'running' }));
    const one = await call('GET', `${MALL}/flash-sales/${sale.id}`);
    expect(one.body.flash_sale).toMatchObject({ id: sale.id, stock_left: 20 });
    expect((await call('GET', `${MALL}/flash-sales/987654321`)).status).toBe(404);

    const api = await call('GET', '/openapi.json');
    expect(Object.keys(api.body.paths)).toEqual(
      expect.arrayContaining([`${MALL}/flash-sales`, `${MALL}/flash-sales/{id}`, `${MALL}/flash-sales/{id}/buy`, `${MALL}/flash-sales/{id}/tickets/{ticketId}`, `${MALL}/admin/flash-sales`]),
    );
    expect(Object.keys(api.body.paths[`${MALL}/flash-sales/{id}/buy`].post.responses)).toEqual(expect.arrayContaining(['202', '403', '409', '429']));
  });

  it('answers a buy with a ticket at once; the buyer polls it until ordered, and the order is at the sale price; nobody else sees the ticket', async () => {
    const sale = await createSale({ stock: 5, per_user_limit: 2 });
    const alice = await shopper();
    const bought = await buy(sale.id, alice, 2);
    expect(bought.status, JSON.stringify(bought.body)).toBe(202);
    expect(bought.body.ticket).toMatchObject({ sale_id: sale.id, quantity: 2, status: 'reserved', order_id: null });
    const ticketUrl = `${MALL}/flash-sales/${sale.id}/tickets/${bought.body.ticket.id}`;

    const polled = await eventually(() => call('GET', ticketUrl, { token: alice.token }), (r) => r.body.ticket?.status !== 'reserved');
    const ticket = polled.body.ticket as Ticket;
    expect(ticket).toMatchObject({ id: bought.body.ticket.id, status: 'ordered' });
    expect(ticket.order_id).toBeGreaterThan(0);
    const orders = await call('GET', `${MALL}/orders`, { token: alice.token });
    const order = orders.body.orders.find((o: { id: number }) => o.id === ticket.order_id);
    expect(order).toMatchObject({ status: 'unpaid', total_cents: 2 * 4_900, items: [{ product_id: sale.product_id, price_cents: 4_900, quantity: 2 }] });
    expect(order.address).toMatchObject({ name: ADDRESS.name, city: ADDRESS.city });

    // Another user's ticket is "not found", as is this ticket under another sale's URL; no token is 401.
    const bob = await shopper();
    const theirs = await call('GET', ticketUrl, { token: bob.token });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe(40401);
    expect((await call('GET', `${MALL}/flash-sales/${sale.id + 1}/tickets/${ticket.id}`, { token: alice.token })).status).toBe(404);
    expect((await call('GET', ticketUrl)).status).toBe(401);
    expect((await call('GET', `${MALL}/flash-sales/${sale.id}`)).body.flash_sale.stock_left).toBe(3);
  });

  it('refuses a buyer past the per-user limit with QuotaExceeded, leaving the units for others', async () => {
    const sale = await createSale({ stock: 10, per_user_limit: 2 });
    const carol = await shopper();
    expect((await buy(sale.id, carol)).status).toBe(202);
    const over = await buy(sale.id, carol, 2);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 40903, message: expect.stringContaining('quantity') });
    expect((await buy(sale.id, carol)).status).toBe(202);
    const third = await buy(sale.id, carol);
    expect(third.status).toBe(409);
    expect(third.body.code).toBe(40903);
    expect((await call('GET', `${MALL}/flash-sales/${sale.id}`)).body.flash_sale.stock_left).toBe(8);
  });

  it('sells out: 409 sold_out, and after it the gateway answers from its flag without calling the service', async () => {
    const sale = await createSale({ stock: 3, per_user_limit: 1 });
    const buyers = await Promise.all(Array.from({ length: 6 }, () => shopper()));
    /** Buy calls the seckill service answered during `run`. */
    const buyCalls = async (run: () => Promise<unknown>) => {
      const before = await rpcCalls(sys);
      await run();
      return callsBetween(await rpcCalls(sys), before)[`${SeckillServiceDefinition.fullName}.Buy`] ?? 0;
    };
    const answers: Awaited<ReturnType<typeof buy>>[] = [];
    // Three units, four buyers: the fourth learns "sold out" from the service, once.
    expect(await buyCalls(async () => { for (const b of buyers.slice(0, 4)) answers.push(await buy(sale.id, b)); })).toBe(4);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 409]);
    expect(answers[3]!.body).toMatchObject({ code: 40902, details: { reason: 'sold_out' } });

    // From then on the gateway answers from its flag: no Buy call.
    let flagged!: Awaited<ReturnType<typeof buy>>;
    expect(await buyCalls(async () => { flagged = await buy(sale.id, buyers[4]!); await buy(sale.id, buyers[5]!); })).toBe(0);
    expect(flagged.status).toBe(409);
    expect(flagged.body).toMatchObject({ code: 40902, details: { reason: 'sold_out' } });
    const left = await eventually(() => call('GET', `${MALL}/flash-sales`), (r) => r.body.flash_sales.some((s: { id: number; stock_left: number }) => s.id === sale.id && s.stock_left === 0));
    expect(left.body.flash_sales.find((s: { id: number }) => s.id === sale.id).stock_left).toBe(0);
  });

  it('refuses buys outside the window with 403, lists an upcoming sale, and shows the running ones on the home page', async () => {
    const now = Date.now();
    const upcoming = await createSale({ stock: 5, start_at: now + 3_600_000, end_at: now + 7_200_000 });
    const running = await createSale({ stock: 5 });
    const dave = await shopper();
    const early = await buy(upcoming.id, dave);
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ code: 40301, details: { reason: 'not_started', start_at: now + 3_600_000 } });

    const listed = (await call('GET', `${MALL}/flash-sales`)).body.flash_sales as { id: number; status: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ id: upcoming.id, status: 'upcoming' }));
    const home = await call('GET', `${MALL}/home`);
    expect(home.status).toBe(200);
    const onHome = home.body.flash_sales as { id: number; status: string }[];
    expect(onHome.map((s) => s.id)).toContain(running.id);
    expect(onHome.map((s) => s.id)).not.toContain(upcoming.id);
    expect(onHome.every((s) => s.status === 'running')).toBe(true);

    // A sale whose end passes while we watch: buys become 403 ended.
    const short = await createSale({ stock: 5, end_at: Date.now() + 1500 });
    const ended = await eventually(() => buy(short.id, dave), (r) => r.status === 403);
    expect(ended.body).toMatchObject({ code: 40301, details: { reason: 'ended' } });
  });

  it('holds back a flood from one user with 429 and Retry-After, while another user still buys', async () => {
    const sale = await createSale({ stock: 50, per_user_limit: 1 });
    const [eve, frank] = [await shopper(), await shopper()];
    const flood = await Promise.all(Array.from({ length: 40 }, () => buy(sale.id, eve)));
    const limited = flood.filter((r) => r.status === 429);
    // seckill.buysPerUserPerSecond is 5: at most a few pass within the time 40 requests take.
    expect(limited.length).toBeGreaterThanOrEqual(30);
    for (const r of limited) {
      expect(r.body.code).toBe(42901);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // What passed the rate: one unit (the limit), the rest QuotaExceeded.
    const passed = flood.filter((r) => r.status !== 429);
    expect(passed.filter((r) => r.status === 202)).toHaveLength(1);
    expect(passed.filter((r) => r.status !== 202).every((r) => r.body.code === 40903)).toBe(true);
    expect((await buy(sale.id, frank)).status).toBe(202);
  });
});
