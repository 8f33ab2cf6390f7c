// What the catalog's hot reads cost once kept (mall.pageCacheMs, gateway/mall/pages.ts): a
// product's detail and a page of a category list or a search make no RPC call while kept, and a
// write through the gateway shows on the next read: an admin's edit in the detail and the lists,
// an order's and a cancel's stock in the detail. Pages are kept for a minute here, so which calls
// a read makes never depends on how long the test took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type TestSystem } from './harness.js';
import { mallCaller } from './mall-client.js';
import { callsBetween, rpcCalls } from './rpc-calls.js';

const MALL = '/api/v1/mall';

describe('catalog read cost (embedded)', () => {
  let sys: TestSystem;
  const call = mallCaller(() => sys);

  /** A read's reply and the RPC calls it made. */
  const read = async (url: string) => {
    const before = await rpcCalls(sys);
    const res = await call('GET', url);
    expect(res.status).toBe(200);
    return { body: res.body, rpc: callsBetween(await rpcCalls(sys), before) };
  };
  const signUp = async (name: string) => (await call('POST', '/api/v1/users/register', { body: { username: name, password: 'secret123' } })).body as { id: number; token: string };

  beforeAll(async () => {
    sys = await startTestSystem('embedded', { 'mall.pageCacheMs': 60_000, 'limits.loginPerIp.quota': 1000 });
  });
  afterAll(async () => sys?.stop());

  it('serves kept details, list and search pages without a call, and shows writes made through the gateway at once', async () => {
    const admin = await signUp('costadmin');
    await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
    const category = (await call('POST', `${MALL}/admin/categories`, { body: { name: '手机' }, token: admin.token })).body.category;
    const made = (await call('POST', `${MALL}/admin/products`, { body: { name: '测试手机 Cost', category_id: category.id, price_cents: 1000, stock: 5 }, token: admin.token })).body.product;
    const detail = `${MALL}/products/${made.id}`;
    const list = `${MALL}/products?category_id=${category.id}&sort=newest&limit=20`;
    const search = `${MALL}/search?q=${encodeURIComponent('手机')}&limit=20`;

    const first = await read(detail);
    expect(first.body.product).toMatchObject({ id: made.id, stock: 5, price_cents: 1000 });
    expect(Object.keys(first.rpc).length).toBeGreaterThan(0);
    expect(await read(detail)).toEqual({ body: first.body, rpc: {} });
    for (const url of [list, search]) {
      const page = await read(url);
      expect(page.body.products.map((p: { id: number }) => p.id)).toEqual([made.id]);
      expect(await read(url)).toEqual({ body: page.body, rpc: {} });
    }

    // An admin's edit: the detail and every list page are built anew.
    expect((await call('PATCH', `${MALL}/admin/products/${made.id}`, { body: { price_cents: 900 }, token: admin.token })).status).toBe(200);
    expect((await read(detail)).body.product.price_cents).toBe(900);
    for (const url of [list, search]) expect((await read(url)).body.products[0].price_cents).toBe(900);

    // An order takes stock and a cancel gives it back: the detail shows each at once.
    const buyer = await signUp('costbuyer');
    const address = (await call('POST', `${MALL}/addresses`, { body: { name: '李雷', phone: '13800000000', province: '北京', city: '北京', district: '海淀', detail: '1 号' }, token: buyer.token })).body.address;
    const placed = await call('POST', `${MALL}/orders`, { body: { address_id: address.id, items: [{ product_id: made.id, quantity: 2 }] }, token: buyer.token, headers: { 'idempotency-key': 'cost-1' } });
    expect(placed.status).toBe(201);
    expect((await read(detail)).body.product.stock).toBe(3);
    expect((await call('POST', `${MALL}/orders/${placed.body.order.id}/cancel`, { token: buyer.token })).status).toBe(200);
    expect((await read(detail)).body.product.stock).toBe(5);
  });
});
