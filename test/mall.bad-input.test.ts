// Every mall route gets bad input and must answer a 4xx with a stable code and a message naming
// the field: never a 500, a stack trace or SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type TestSystem } from './harness.js';

const MALL = '/api/v1/mall';
let sys: TestSystem;
let token = '';
let adminToken = '';
beforeAll(async () => {
  sys = await startTestSystem('embedded');
  const reg = async (username: string) => JSON.parse((await sys.app.inject({ method: 'POST', url: '/api/v1/users/register', payload: { username, password: 'secret123' } })).body) as { id: number; token: string };
  token = (await reg('mallbad')).token;
  const admin = await reg('malladmin');
  await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
  adminToken = admin.token;
});
afterAll(async () => sys?.stop());

type Case = [name: string, method: string, url: string, opts: { body?: unknown; raw?: string; auth?: 'user' | 'admin' | string; headers?: Record<string, string> }, status: number, code: number, mentions: string];

const ADDRESS = { name: '张三', phone: '13900139000', province: '广东', city: '深圳', district: '南山', detail: '科技园 1 号' };

const ID_FORMS = ['0', '-1', 'abc', '1.5', '01', '1e3', '99999999999999999'];
const PAGED = [`${MALL}/products`, `${MALL}/search?q=a`, `${MALL}/recommend`, `${MALL}/favorites`];
const q = (url: string, more: string) => `${url}${url.includes('?') ? '&' : '?'}${more}`;
const cases: Case[] = [
  ...PAGED.flatMap((url): Case[] => [
    ['limit 0', 'GET', q(url, 'limit=0'), { auth: 'user' }, 400, 40001, 'limit'],
    ['limit 51', 'GET', q(url, 'limit=51'), { auth: 'user' }, 400, 40001, 'limit'],
    ['limit not a number', 'GET', q(url, 'limit=ten'), { auth: 'user' }, 400, 40001, 'limit'],
    ['cursor with bad characters', 'GET', q(url, 'cursor=a%2Fb'), { auth: 'user' }, 400, 40001, 'cursor'],
    ['a forged cursor', 'GET', q(url, 'cursor=Zm9yZ2Vk'), { auth: 'user' }, 400, 40001, 'cursor'],
    ['cursor too long', 'GET', q(url, `cursor=${'a'.repeat(201)}`), { auth: 'user' }, 400, 40001, 'cursor'],
    ['an unknown parameter', 'GET', q(url, 'page=2'), { auth: 'user' }, 400, 40001, 'page'],
  ]),
  ...ID_FORMS.map((id): Case => ['category_id ' + id, 'GET', `${MALL}/products?category_id=${id}`, {}, 400, 40001, 'category_id']),
  ['unknown sort', 'GET', `${MALL}/products?sort=cheapest`, {}, 400, 40001, 'sort'],
  ['search without q', 'GET', `${MALL}/search`, {}, 400, 40001, 'q'],
  ['search with an empty q', 'GET', `${MALL}/search?q=`, {}, 400, 40001, 'q'],
  ['search with a q of 51 characters', 'GET', `${MALL}/search?q=${'手'.repeat(51)}`, {}, 400, 40001, 'q'],
  ['search with a control character', 'GET', `${MALL}/search?q=a%00b`, {}, 400, 40001, 'q'],
  ...ID_FORMS.map((id): Case => ['product id ' + id, 'GET', `${MALL}/products/${id}`, {}, 400, 40001, 'id']),
  ['an image that is not <n>.svg', 'GET', `${MALL}/demo-images/x.png`, {}, 400, 40001, 'file'],
  ...ID_FORMS.flatMap((id): Case[] => [
    ['favorite id ' + id, 'PUT', `${MALL}/favorites/${id}`, { auth: 'user' }, 400, 40001, 'productId'],
    ['cart id ' + id, 'PUT', `${MALL}/cart/items/${id}`, { auth: 'user', body: { quantity: 1 } }, 400, 40001, 'productId'],
  ]),
  ['favorite of a product that does not exist', 'PUT', `${MALL}/favorites/987654321`, { auth: 'user' }, 404, 40401, 'product'],
  ['cart without a body', 'PUT', `${MALL}/cart/items/1`, { auth: 'user' }, 400, 40001, 'body'],
  ['cart quantity 0', 'PUT', `${MALL}/cart/items/1`, { auth: 'user', body: { quantity: 0 } }, 400, 40001, 'quantity'],
  ['cart quantity 1000', 'PUT', `${MALL}/cart/items/1`, { auth: 'user', body: { quantity: 1000 } }, 400, 40001, 'quantity'],
  ['cart quantity 1.5', 'PUT', `${MALL}/cart/items/1`, { auth: 'user', body: { quantity: 1.5 } }, 400, 40001, 'quantity'],
  ['cart checked not a boolean', 'PUT', `${MALL}/cart/items/1`, { auth: 'user', body: { quantity: 1, checked: 'yes' } }, 400, 40001, 'checked'],
  ['cart extra field', 'PUT', `${MALL}/cart/items/1`, { auth: 'user', body: { quantity: 1, price_cents: 1 } }, 400, 40001, 'price_cents'],
  ['cart product that does not exist', 'PUT', `${MALL}/cart/items/987654321`, { auth: 'user', body: { quantity: 1 } }, 404, 40401, 'product'],
  ['cart without a token', 'GET', `${MALL}/cart`, {}, 401, 40101, 'Authorization'],
  ['cart with a bad token', 'GET', `${MALL}/cart`, { auth: 'Bearer x.y.z' }, 401, 40101, 'token'],
  ['admin product without a body', 'POST', `${MALL}/admin/products`, { auth: 'admin' }, 400, 40001, 'body'],
  ['admin product without a name', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { category_id: 1, price_cents: 100, stock: 1 } }, 400, 40001, 'name'],
  ['admin product with a price of 0', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 1, price_cents: 0, stock: 1 } }, 400, 40001, 'price_cents'],
  ['admin product with a float price', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 1, price_cents: 9.99, stock: 1 } }, 400, 40001, 'price_cents'],
  ['admin product with negative stock', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 1, price_cents: 100, stock: -1 } }, 400, 40001, 'stock'],
  ['admin product with 11 images', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 1, price_cents: 100, stock: 1, image_urls: Array(11).fill('https://a/b.png') } }, 400, 40001, 'image_urls'],
  ['admin product with a javascript: image', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 1, price_cents: 100, stock: 1, image_urls: ['javascript:alert(1)'] } }, 400, 40001, 'image_urls'],
  ['admin product with an empty name', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: '', category_id: 1, price_cents: 100, stock: 1 } }, 400, 40001, 'name'],
  ['admin product with a 101-character name', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: '名'.repeat(101), category_id: 1, price_cents: 100, stock: 1 } }, 400, 40001, 'name'],
  ['admin product in a category that does not exist', 'POST', `${MALL}/admin/products`, { auth: 'admin', body: { name: 'x', category_id: 987654321, price_cents: 100, stock: 1 } }, 400, 40001, 'category_id'],
  ['admin product by a shopper', 'POST', `${MALL}/admin/products`, { auth: 'user', body: { name: 'x', category_id: 1, price_cents: 100, stock: 1 } }, 403, 40301, 'admin'],
  ['admin patch with nothing', 'PATCH', `${MALL}/admin/products/1`, { auth: 'admin', body: {} }, 400, 40001, 'body'],
  ['admin patch with an unknown status', 'PATCH', `${MALL}/admin/products/1`, { auth: 'admin', body: { status: 'gone' } }, 400, 40001, 'status'],
  ['address without a body', 'POST', `${MALL}/addresses`, { auth: 'user' }, 400, 40001, 'body'],
  ['address without a city', 'POST', `${MALL}/addresses`, { auth: 'user', body: { ...ADDRESS, city: undefined } }, 400, 40001, 'city'],
  ['address with a name of 21 characters', 'POST', `${MALL}/addresses`, { auth: 'user', body: { ...ADDRESS, name: '名'.repeat(21) } }, 400, 40001, 'name'],
  ['address with letters in the phone', 'POST', `${MALL}/addresses`, { auth: 'user', body: { ...ADDRESS, phone: 'call me' } }, 400, 40001, 'phone'],
  ['address with an extra field', 'POST', `${MALL}/addresses`, { auth: 'user', body: { ...ADDRESS, user_id: 1 } }, 400, 40001, 'user_id'],
  ['address patch with nothing', 'PUT', `${MALL}/addresses/1`, { auth: 'user', body: {} }, 400, 40001, 'body'],
  ['address patch of an address that does not exist', 'PUT', `${MALL}/addresses/987654321`, { auth: 'user', body: { city: 'x' } }, 404, 40401, 'address'],
  ['address id abc', 'DELETE', `${MALL}/addresses/abc`, { auth: 'user' }, 400, 40001, 'id'],
  ['addresses without a token', 'GET', `${MALL}/addresses`, {}, 401, 40101, 'Authorization'],
  ['order without a body', 'POST', `${MALL}/orders`, { auth: 'user' }, 400, 40001, 'body'],
  ['order without items or from_cart', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1 } }, 400, 40001, 'items'],
  ['order with no items', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, items: [] } }, 400, 40001, 'items'],
  ['order with 51 items', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, items: Array.from({ length: 51 }, (_, i) => ({ product_id: i + 1, quantity: 1 })) } }, 400, 40001, 'items'],
  ['order with quantity 0', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, items: [{ product_id: 1, quantity: 0 }] } }, 400, 40001, 'quantity'],
  ['order with a product id 0', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, items: [{ product_id: 0, quantity: 1 }] } }, 400, 40001, 'product_id'],
  ['order with from_cart false (an order names its items, or from_cart: true)', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, from_cart: false } }, 400, 40001, 'items'],
  ['order with a price', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, items: [{ product_id: 1, quantity: 1, price_cents: 1 }] } }, 400, 40001, 'price_cents'],
  ['order at an address that does not exist', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 987654321, items: [{ product_id: 1, quantity: 1 }] } }, 404, 40401, 'address'],
  ['order with an Idempotency-Key of 65 characters', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, from_cart: true }, headers: { 'idempotency-key': 'k'.repeat(65) } }, 400, 40001, 'idempotency-key'],
  ['order with a space in the Idempotency-Key', 'POST', `${MALL}/orders`, { auth: 'user', body: { address_id: 1, from_cart: true }, headers: { 'idempotency-key': 'a b' } }, 400, 40001, 'idempotency-key'],
  ['orders of an unknown status', 'GET', `${MALL}/orders?status=lost`, { auth: 'user' }, 400, 40001, 'status'],
  ['orders with a forged cursor', 'GET', `${MALL}/orders?cursor=Zm9yZ2Vk`, { auth: 'user' }, 400, 40001, 'cursor'],
  ['order id 0', 'GET', `${MALL}/orders/0`, { auth: 'user' }, 400, 40001, 'id'],
  ['an order that does not exist', 'GET', `${MALL}/orders/987654321`, { auth: 'user' }, 404, 40401, 'order'],
  ['cancel of an order that does not exist', 'POST', `${MALL}/orders/987654321/cancel`, { auth: 'user' }, 404, 40401, 'order'],
  ['receipt of order id abc', 'POST', `${MALL}/orders/abc/receive`, { auth: 'user' }, 400, 40001, 'id'],
  ['ship by a shopper', 'POST', `${MALL}/admin/orders/1/ship`, { auth: 'user' }, 403, 40301, 'admin'],
  ['ship of an order that does not exist', 'POST', `${MALL}/admin/orders/987654321/ship`, { auth: 'admin' }, 404, 40401, 'order'],
  ['reviews of product id 0', 'GET', `${MALL}/products/0/reviews`, {}, 400, 40001, 'id'],
  ['reviews with a forged cursor', 'GET', `${MALL}/products/1/reviews?cursor=Zm9yZ2Vk`, {}, 400, 40001, 'cursor'],
  ['review without a body', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user' }, 400, 40001, 'body'],
  ['review with rating 0', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 0, content: 'ok' } }, 400, 40001, 'rating'],
  ['review with rating 6', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 6, content: 'ok' } }, 400, 40001, 'rating'],
  ['review with rating 4.5', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 4.5, content: 'ok' } }, 400, 40001, 'rating'],
  ['review without content', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 5 } }, 400, 40001, 'content'],
  ['review of 501 characters', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 5, content: '好'.repeat(501) } }, 400, 40001, 'content'],
  ['review with 7 images', 'POST', `${MALL}/orders/1/reviews`, { auth: 'user', body: { product_id: 1, rating: 5, content: 'ok', image_urls: Array(7).fill('https://a/b.png') } }, 400, 40001, 'image_urls'],
  ['review of an order that does not exist', 'POST', `${MALL}/orders/987654321/reviews`, { auth: 'user', body: { product_id: 1, rating: 5, content: 'ok' } }, 404, 40401, 'order'],
  ['review without a token', 'POST', `${MALL}/orders/1/reviews`, { body: { product_id: 1, rating: 5, content: 'ok' } }, 401, 40101, 'Authorization'],
  ['pay with an unknown simulate', 'POST', `${MALL}/orders/1/pay`, { auth: 'user', body: { simulate: 'succeed' } }, 400, 40001, 'simulate'],
  ['pay with an amount', 'POST', `${MALL}/orders/1/pay`, { auth: 'user', body: { amount_cents: 1 } }, 400, 40001, 'amount_cents'],
  ['pay of order id abc', 'POST', `${MALL}/orders/abc/pay`, { auth: 'user', body: {} }, 400, 40001, 'id'],
  ['pay of an order that does not exist', 'POST', `${MALL}/orders/987654321/pay`, { auth: 'user', body: {} }, 404, 40401, 'order'],
  ['pay without a token', 'POST', `${MALL}/orders/1/pay`, { body: {} }, 401, 40101, 'Authorization'],
  ['a notification without a signature', 'POST', `${MALL}/pay/notify`, { raw: '{"payment_id":1}' }, 400, 40001, 'signature'],
  ['category without a name', 'POST', `${MALL}/admin/categories`, { auth: 'admin', body: {} }, 400, 40001, 'name'],
  ['category with a name of 21 characters', 'POST', `${MALL}/admin/categories`, { auth: 'admin', body: { name: '类'.repeat(21) } }, 400, 40001, 'name'],
  ['category with sort 10001', 'POST', `${MALL}/admin/categories`, { auth: 'admin', body: { name: 'x', sort: 10_001 } }, 400, 40001, 'sort'],
  ['category under one that does not exist', 'POST', `${MALL}/admin/categories`, { auth: 'admin', body: { name: 'x', parent_id: 987654321 } }, 400, 40001, 'parent_id'],
  ['category by a shopper', 'POST', `${MALL}/admin/categories`, { auth: 'user', body: { name: 'x' } }, 403, 40301, 'admin'],
  ['admin patch of a product that does not exist', 'PATCH', `${MALL}/admin/products/987654321`, { auth: 'admin', body: { stock: 1 } }, 404, 40401, 'product'],
];

describe('mall routes refuse bad input with a 4xx naming the field', () => {
  it.each(cases)('%s: %s %s', async (_name, method, url, o, status, code, mentions) => {
    const auth = o.auth === 'user' ? `Bearer ${token}` : o.auth === 'admin' ? `Bearer ${adminToken}` : o.auth;
    const res = await sys.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(auth ? { authorization: auth } : {}), ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      payload: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    expect(res.statusCode, res.body).toBe(status);
    const body = JSON.parse(res.body);
    expect(body.code).toBe(code);
    expect(body.message).toContain(mentions);
    expect(res.body).not.toMatch(/at \w+ \(|SELECT|INSERT|sqlite|mysql/i);
  });
});
