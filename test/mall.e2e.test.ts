// The mall API end to end, as a shop client uses it, in embedded mode and on the real servers:
// the demo catalog, an admin's product, search in Chinese and English, lists with cursors, and
// favorites and a cart that each user sees alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { seedMall } from '../app/roles/seed.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';
import { mallCaller } from './mall-client.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const MALL = '/api/v1/mall';

interface Product {
  id: number;
  name: string;
  category_id: number;
  price_cents: number;
  stock: number;
  status: string;
}

describe.each(modes)('mall API (%s)', (mode) => {
  let sys: TestSystem;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;

  const call = mallCaller(() => sys);

  const signUp = async () => {
    const res = await call('POST', '/api/v1/users/register', { body: { username: uniq('shopper'), password: 'secret123' } });
    expect(res.status).toBe(201);
    return res.body as { id: number; token: string };
  };
  /** Every product of a list, page by page; fails past `maxPages` (a cursor that never ends). */
  const pageAll = async (url: string, maxPages = 50) => {
    const seen: Product[] = [];
    let cursor = '';
    for (let page = 0; page < maxPages; page++) {
      const res = await call('GET', `${url}${url.includes('?') ? '&' : '?'}limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.products);
      if (res.body.is_end) return seen;
      expect(res.body.next_cursor).not.toBe('');
      cursor = res.body.next_cursor;
    }
    throw new Error(`${url}: still not at the end after ${maxPages} pages`);
  };

  /** Calls `get` until `ok` holds (a background refresh), at most 20 s. */
  const eventually = async <T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const v = await get();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  let admin: { id: number; token: string };
  let leaf: { id: number; name: string };
  let phone: Product;

  beforeAll(async () => {
    // Embedded mode seeds the demo catalog on its first start; the servers are seeded as an
    // operator seeds them (surge seed mall), beside the running system.
    sys = await startTestSystem(mode, { 'product.demoData': true, 'product.homeRefreshSeconds': 1, 'limits.loginPerIp.quota': 1000 });
    if (mode === 'servers') expect((await seedMall(sys.config)).seeded).toBe(true);
    admin = await signUp();
    await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
  }, 120_000);
  afterAll(async () => sys?.stop());

  it('serves the demo catalog: categories in two levels, a home page, products on sale', async () => {
    const cats = await call('GET', `${MALL}/categories`);
    expect(cats.status).toBe(200);
    expect(cats.body.categories.length).toBeGreaterThan(1);
    const top = cats.body.categories[0];
    expect(top).toMatchObject({ parent_id: 0 });
    expect(top.children.length).toBeGreaterThan(0);
    leaf = top.children[0];
    expect(leaf).toMatchObject({ parent_id: top.id, children: [] });

    // The home blocks are refreshed in the background (every second here): wait for the seed to show.
    const home = await eventually(() => call('GET', `${MALL}/home`), (r) => r.status === 200 && r.body.banners.length > 0);
    expect(home.body.featured.length).toBeGreaterThan(0);
    // The demo data's running flash sale (seckill.demoSale), opened at start where the catalog was
    // already there (embedded; the servers are seeded after the start): half price, two per buyer.
    const flash = home.body.flash_sales as { status: string; price_cents: number; original_price_cents: number; per_user_limit: number }[];
    expect(flash.length).toBe(mode === 'embedded' ? 1 : 0);
    for (const sale of flash) expect(sale).toMatchObject({ status: 'running', price_cents: Math.floor(sale.original_price_cents / 2), per_user_limit: 2 });
    const sales = home.body.ranking.map((p: Product & { sales: number }) => p.sales);
    expect(sales).toEqual([...sales].sort((a, b) => b - a));

    const image = await call('GET', `${MALL}/demo-images/7.svg`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toContain('image/svg+xml');
  });

  it('lets only an admin create and edit products', async () => {
    const shopper = await signUp();
    const body = { name: `测试手机 Surge Phone ${uniq('x')}`, category_id: leaf.id, price_cents: 199_900, stock: 3, subtitle: '大屏 旗舰' };
    expect((await call('POST', `${MALL}/admin/products`, { body })).status).toBe(401);
    const refused = await call('POST', `${MALL}/admin/products`, { body, token: shopper.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(40301);

    const created = await call('POST', `${MALL}/admin/products`, { body, token: admin.token });
    expect(created.status).toBe(201);
    phone = created.body.product;
    expect(phone).toMatchObject({ name: body.name, category_id: leaf.id, price_cents: 199_900, stock: 3, status: 'on_sale' });

    const detail = await call('GET', `${MALL}/products/${phone.id}`);
    expect(detail.body.product).toMatchObject({ id: phone.id, name: body.name, subtitle: '大屏 旗舰' });
    expect((await call('PATCH', `${MALL}/admin/products/${phone.id}`, { body: { price_cents: 1 }, token: shopper.token })).status).toBe(403);
    const patched = await call('PATCH', `${MALL}/admin/products/${phone.id}`, { body: { price_cents: 189_900 }, token: admin.token });
    expect(patched.body.product.price_cents).toBe(189_900);
    phone = patched.body.product;
    expect((await call('GET', `${MALL}/products/${phone.id + 1_000_000}`)).status).toBe(404);
  });

  it('finds products by Chinese and English words, and lists a category with cursors, each product once', async () => {
    const zh = await pageAll(`${MALL}/search?q=${encodeURIComponent('手机')}`);
    expect(zh.map((p) => p.id)).toContain(phone.id);
    expect(zh.every((p) => /手机/.test(p.name) || /手机/.test((p as Product & { subtitle: string }).subtitle))).toBe(true);
    const en = await call('GET', `${MALL}/search?q=${encodeURIComponent('surge PHONE')}`);
    expect(en.body.products.map((p: Product) => p.id)).toContain(phone.id);
    expect((await call('GET', `${MALL}/search?q=${encodeURIComponent('机械键盘')}`)).body.products.map((p: Product) => p.id)).not.toContain(phone.id);

    const newest = await call('GET', `${MALL}/products?category_id=${leaf.id}&sort=newest&limit=1`);
    expect(newest.body.products[0].id).toBe(phone.id);
    for (const sort of ['newest', 'price_asc', 'price_desc', 'sales']) {
      const all = await pageAll(`${MALL}/products?category_id=${leaf.id}&sort=${sort}`);
      expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
      expect(all.map((p) => p.id)).toContain(phone.id);
      if (sort === 'price_asc') expect(all.map((p) => p.price_cents)).toEqual([...all.map((p) => p.price_cents)].sort((a, b) => a - b));
    }
  });

  it('keeps favorites and carts per user: another user neither sees nor changes them', async () => {
    const alice = await signUp();
    const bob = await signUp();
    expect((await call('PUT', `${MALL}/favorites/${phone.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('PUT', `${MALL}/favorites/${phone.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `${MALL}/favorites`, { token: alice.token })).body.products.map((p: Product) => p.id)).toEqual([phone.id]);
    expect((await call('GET', `${MALL}/favorites`, { token: bob.token })).body.products).toEqual([]);
    expect((await call('DELETE', `${MALL}/favorites/${phone.id}`, { token: bob.token })).status).toBe(204);
    expect((await call('GET', `${MALL}/favorites`, { token: alice.token })).body.products).toHaveLength(1);
    expect((await call('GET', `${MALL}/favorites`)).status).toBe(401);

    const put = await call('PUT', `${MALL}/cart/items/${phone.id}`, { body: { quantity: 2 }, token: alice.token });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ product_id: phone.id, quantity: 2, checked: true });
    const cart = await call('GET', `${MALL}/cart`, { token: alice.token });
    expect(cart.body.items).toHaveLength(1);
    expect(cart.body.items[0]).toMatchObject({ quantity: 2, checked: true, product: { id: phone.id, price_cents: phone.price_cents } });
    expect(cart.body.total_cents).toBe(2 * phone.price_cents);
    expect((await call('GET', `${MALL}/cart`, { token: bob.token })).body).toEqual({ items: [], total_cents: 0 });
    expect((await call('DELETE', `${MALL}/cart/items/${phone.id}`, { token: bob.token })).status).toBe(204);
    expect((await call('GET', `${MALL}/cart`, { token: alice.token })).body.items).toHaveLength(1);

    await call('PUT', `${MALL}/cart/items/${phone.id}`, { body: { quantity: 2, checked: false }, token: alice.token });
    expect((await call('GET', `${MALL}/cart`, { token: alice.token })).body.total_cents).toBe(0);
    expect((await call('DELETE', `${MALL}/cart/items/${phone.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `${MALL}/cart`, { token: alice.token })).body.items).toEqual([]);
  });

  it('recommends best sellers to anyone, and refuses a bad token rather than ignore it', async () => {
    const anonymous = await call('GET', `${MALL}/recommend?limit=5`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.products).toHaveLength(5);
    expect((await call('GET', `${MALL}/recommend`, { token: 'not.a.token' })).status).toBe(401);
    const shopper = await signUp();
    await call('PUT', `${MALL}/favorites/${phone.id}`, { token: shopper.token });
    const mine = await call('GET', `${MALL}/recommend?limit=50`, { token: shopper.token });
    expect(mine.body.products.every((p: Product) => p.category_id === leaf.id)).toBe(true);
  });

  it('takes an off-shelf product out of lists and carts', async () => {
    const shopper = await signUp();
    await call('PATCH', `${MALL}/admin/products/${phone.id}`, { body: { status: 'off_shelf' }, token: admin.token });
    const all = await pageAll(`${MALL}/products?category_id=${leaf.id}`);
    expect(all.map((p) => p.id)).not.toContain(phone.id);
    const refused = await call('PUT', `${MALL}/cart/items/${phone.id}`, { body: { quantity: 1 }, token: shopper.token });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('product');
    await call('PATCH', `${MALL}/admin/products/${phone.id}`, { body: { status: 'on_sale' }, token: admin.token });
  });

  it('places orders through the saga: stock reserved once per Idempotency-Key, never oversold, given back on cancel; each user sees only their own', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const made = await call('POST', `${MALL}/admin/products`, { body: { name: `限量 Limited ${uniq('l')}`, category_id: leaf.id, price_cents: 12_345, stock: 3 }, token: admin.token });
    const limited: Product = made.body.product;
    const stock = async () => (await call('GET', `${MALL}/products/${limited.id}`)).body.product.stock as number;

    const address = { name: '张三', phone: '+86 139 0013 9000', province: '广东', city: '深圳', district: '南山', detail: '科技园 1 号' };
    const home = await call('POST', `${MALL}/addresses`, { body: address, token: alice.token });
    expect(home.status).toBe(201);
    expect(home.body.address).toMatchObject({ ...address, is_default: true });
    const work = await call('POST', `${MALL}/addresses`, { body: { ...address, detail: '办公室' }, token: alice.token });
    expect(work.body.address.is_default).toBe(false);
    expect((await call('GET', `${MALL}/addresses`, { token: alice.token })).body.addresses.map((a: { id: number }) => a.id)).toEqual([home.body.address.id, work.body.address.id]);
    expect((await call('PUT', `${MALL}/addresses/${work.body.address.id}`, { body: { detail: 'x' }, token: bob.token })).status).toBe(404);
    expect((await call('DELETE', `${MALL}/addresses/${work.body.address.id}`, { token: bob.token })).status).toBe(404);
    const moved = await call('PUT', `${MALL}/addresses/${work.body.address.id}`, { body: { is_default: true }, token: alice.token });
    expect(moved.body.address.is_default).toBe(true);

    const body = { address_id: home.body.address.id, items: [{ product_id: limited.id, quantity: 2 }] };
    const headers = { 'idempotency-key': uniq('key-') };
    const first = await call('POST', `${MALL}/orders`, { body, token: alice.token, headers });
    expect(first.status).toBe(201);
    expect(first.body.order).toMatchObject({ status: 'unpaid', total_cents: 2 * 12_345, paid_at: null, cancel_reason: null, items: [{ product_id: limited.id, quantity: 2, price_cents: 12_345 }] });
    expect(first.body.order.address).toMatchObject({ name: '张三', city: '深圳' });
    const again = await call('POST', `${MALL}/orders`, { body, token: alice.token, headers });
    expect(again.body.order.id).toBe(first.body.order.id);
    expect(await stock()).toBe(1);

    // Bob cannot use Alice's address, see or cancel her order; there is one unit left for him.
    expect((await call('POST', `${MALL}/orders`, { body, token: bob.token })).status).toBe(404);
    expect((await call('GET', `${MALL}/orders/${first.body.order.id}`, { token: bob.token })).status).toBe(404);
    expect((await call('POST', `${MALL}/orders/${first.body.order.id}/cancel`, { token: bob.token })).status).toBe(404);
    const bobs = await call('POST', `${MALL}/addresses`, { body: address, token: bob.token });
    const tooMany = await call('POST', `${MALL}/orders`, { body: { address_id: bobs.body.address.id, items: [{ product_id: limited.id, quantity: 2 }] }, token: bob.token });
    expect(tooMany.status).toBe(409);
    expect(await stock()).toBe(1);
    expect((await call('GET', `${MALL}/orders`, { token: bob.token })).body.orders).toEqual([]);

    // Not paid: neither received nor shipped.
    expect((await call('POST', `${MALL}/orders/${first.body.order.id}/receive`, { token: alice.token })).status).toBe(409);
    expect((await call('POST', `${MALL}/admin/orders/${first.body.order.id}/ship`, { token: admin.token })).status).toBe(409);
    expect((await call('POST', `${MALL}/admin/orders/${first.body.order.id}/ship`, { token: alice.token })).status).toBe(403);

    const listed = await call('GET', `${MALL}/orders?status=unpaid`, { token: alice.token });
    expect(listed.body.orders.map((o: { id: number }) => o.id)).toEqual([first.body.order.id]);
    const cancelled = await call('POST', `${MALL}/orders/${first.body.order.id}/cancel`, { token: alice.token });
    expect(cancelled.body.order).toMatchObject({ status: 'cancelled', cancel_reason: 'buyer' });
    expect((await call('POST', `${MALL}/orders/${first.body.order.id}/cancel`, { token: alice.token })).status).toBe(409);
    expect(await stock()).toBe(3);

    // From the cart: the checked items become the order, and leave the cart.
    await call('PUT', `${MALL}/cart/items/${limited.id}`, { body: { quantity: 3 }, token: bob.token });
    const fromCart = await call('POST', `${MALL}/orders`, { body: { address_id: bobs.body.address.id, from_cart: true }, token: bob.token });
    expect(fromCart.status).toBe(201);
    expect(fromCart.body.order.total_cents).toBe(3 * 12_345);
    expect(await stock()).toBe(0);
    expect((await call('GET', `${MALL}/cart`, { token: bob.token })).body.items).toEqual([]);

    // Paid (as the pay service marks it), shipped by the admin, received by Bob: then reviewed, once.
    const orderId = fromCart.body.order.id;
    const review = { product_id: limited.id, rating: 4, content: '很好用 works well' };
    expect((await call('POST', `${MALL}/orders/${orderId}/reviews`, { body: review, token: bob.token })).status).toBe(409);
    const paid = await sys.client(OrderServiceDefinition).markPaid({ orderId, paymentId: uniq('pay-'), amountCents: fromCart.body.order.total_cents });
    expect(paid.outcome).toBe('paid');
    expect((await call('POST', `${MALL}/admin/orders/${orderId}/ship`, { token: admin.token })).body.order.status).toBe('shipped');
    expect((await call('POST', `${MALL}/orders/${orderId}/receive`, { token: alice.token })).status).toBe(404);
    expect((await call('POST', `${MALL}/orders/${orderId}/receive`, { token: bob.token })).body.order.status).toBe('completed');
    expect((await call('POST', `${MALL}/orders/${orderId}/reviews`, { body: review, token: alice.token })).status).toBe(404);
    const posted = await call('POST', `${MALL}/orders/${orderId}/reviews`, { body: review, token: bob.token });
    expect(posted.status).toBe(201);
    expect(posted.body.review).toMatchObject({ product_id: limited.id, rating: 4, content: '很好用 works well', user: { id: bob.id } });
    expect((await call('POST', `${MALL}/orders/${orderId}/reviews`, { body: review, token: bob.token })).status).toBe(409);
    const listedReviews = await call('GET', `${MALL}/products/${limited.id}/reviews`);
    expect(listedReviews.body).toMatchObject({ reviews: [{ id: posted.body.review.id, rating: 4 }], is_end: true });
    expect((await call('GET', `${MALL}/products/${limited.id}`)).body.review_summary).toEqual({ count: 1, average_rating: 4 });
  });
});
