// Every flash-sale route gets bad input and must answer a 4xx with a stable code and a message
// naming the field: every field missing, of the wrong type, out of range, and an unknown one;
// a ticket of another user is 404; no token is 401; a shopper creating a sale is 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { startTestSystem, type TestSystem } from './harness.js';
import { mallCaller } from './mall-client.js';

const MALL = '/api/v1/mall';
let sys: TestSystem;
const call = mallCaller(() => sys);
const tokens = { user: '', other: '', admin: '' };
let productId = 0;
let saleId = 0;
let ticketId = 0;
let addressId = 0;

const register = async (username: string) => (await call('POST', '/api/v1/users/register', { body: { username, password: 'secret123' } })).body as { id: number; token: string };

beforeAll(async () => {
  // The buy rate is not what this file tests: high enough that no case here meets it.
  sys = await startTestSystem('embedded', { 'seckill.demoSale': false, 'seckill.buysPerUserPerSecond': 1000 });
  tokens.user = (await register('flashbad')).token;
  tokens.other = (await register('flashother')).token;
  const admin = await register('flashbadadmin');
  await sys.client(UserServiceDefinition).setRole({ userId: admin.id, role: 'admin', granted: true });
  tokens.admin = admin.token;
  const category = (await call('POST', `${MALL}/admin/categories`, { body: { name: '秒杀' }, token: tokens.admin })).body.category;
  productId = (await call('POST', `${MALL}/admin/products`, { body: { name: '秒杀 item', category_id: category.id, price_cents: 10_000, stock: 100 }, token: tokens.admin })).body.product.id;
  const now = Date.now();
  const sale = await call('POST', `${MALL}/admin/flash-sales`, { body: { product_id: productId, price_cents: 5_000, stock: 50, start_at: now - 1000, end_at: now + 3_600_000, per_user_limit: 2 }, token: tokens.admin });
  expect(sale.status, JSON.stringify(sale.body)).toBe(201);
  saleId = sale.body.flash_sale.id;
  addressId = (await call('POST', `${MALL}/addresses`, { body: { name: '张三', phone: '13900139000', province: '广东', city: '深圳', district: '南山', detail: '1 号' }, token: tokens.user })).body.address.id;
  const bought = await call('POST', `${MALL}/flash-sales/${saleId}/buy`, { body: { address_id: addressId }, token: tokens.user });
  expect(bought.status, JSON.stringify(bought.body)).toBe(202);
  ticketId = bought.body.ticket.id;
});
afterAll(async () => sys?.stop());

type Auth = 'user' | 'other' | 'admin' | 'none';
type Case = [name: string, method: string, url: () => string, opts: { body?: () => unknown; auth: Auth }, status: number, code: number, mentions: string];

const ID_FORMS = ['0', '-1', 'abc', '1.5', '01', '1e3', '99999999999999999'];
const sale = () => ({ product_id: productId, price_cents: 5_000, stock: 5, start_at: Date.now() - 1000, end_at: Date.now() + 3_600_000, per_user_limit: 2 });
const without = (field: string) => () => Object.fromEntries(Object.entries(sale()).filter(([k]) => k !== field));
const withField = (field: string, value: unknown) => () => ({ ...sale(), [field]: value });
const buyBody = (extra: Record<string, unknown> = {}) => () => ({ address_id: addressId, ...extra });

const SALE_FIELDS: [field: string, wrongType: unknown, tooSmall: unknown, tooBig: unknown][] = [
  ['product_id', '1', 0, Number.MAX_SAFE_INTEGER + 2],
  ['price_cents', 49.5, 0, 100_000_001],
  ['stock', '5', 0, 1_000_001],
  ['start_at', 'now', 1_700_000_000, 10_000_000_000_000],
  ['end_at', true, 1_700_000_000, 10_000_000_000_000],
  ['per_user_limit', [2], 0, 101],
];

const cases: Case[] = [
  // GET /flash-sales/:id
  ...ID_FORMS.map((id): Case => [`sale id ${id}`, 'GET', () => `${MALL}/flash-sales/${id}`, { auth: 'none' }, 400, 40001, 'id']),
  ['a sale that does not exist', 'GET', () => `${MALL}/flash-sales/987654321`, { auth: 'none' }, 404, 40401, 'flash sale'],

  // POST /flash-sales/:id/buy
  ...ID_FORMS.map((id): Case => [`buy of sale id ${id}`, 'POST', () => `${MALL}/flash-sales/${id}/buy`, { auth: 'user', body: buyBody() }, 400, 40001, 'id']),
  ['buy without a token', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'none', body: buyBody() }, 401, 40101, 'Authorization'],
  ['buy with a bad token', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'none', body: buyBody() }, 401, 40101, 'token'],
  ['buy without a body', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user' }, 400, 40001, 'body'],
  ['buy with a body that is not an object', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: () => [1] }, 400, 40001, 'body'],
  ['buy without address_id', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: () => ({ quantity: 1 }) }, 400, 40001, 'address_id'],
  ['buy with address_id as text', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: () => ({ address_id: String(addressId) }) }, 400, 40001, 'address_id'],
  ['buy with address_id 0', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: () => ({ address_id: 0 }) }, 400, 40001, 'address_id'],
  ['buy with address_id past 53 bits', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: () => ({ address_id: 2 ** 53 + 2 }) }, 400, 40001, 'address_id'],
  ['buy with quantity 0', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ quantity: 0 }) }, 400, 40001, 'quantity'],
  ['buy with quantity 101', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ quantity: 101 }) }, 400, 40001, 'quantity'],
  ['buy with quantity 1.5', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ quantity: 1.5 }) }, 400, 40001, 'quantity'],
  ['buy with quantity as text', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ quantity: '1' }) }, 400, 40001, 'quantity'],
  ['buy with an unknown field', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ price_cents: 1 }) }, 400, 40001, 'price_cents'],
  ['buy with a user_id', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'user', body: buyBody({ user_id: 1 }) }, 400, 40001, 'user_id'],
  ['buy of more than the sale allows a buyer', 'POST', () => `${MALL}/flash-sales/${saleId}/buy`, { auth: 'other', body: buyBody({ quantity: 3 }) }, 409, 40903, 'quantity'],
  ['buy of a sale that does not exist', 'POST', () => `${MALL}/flash-sales/987654321/buy`, { auth: 'user', body: buyBody() }, 404, 40401, 'sale_id'],

  // GET /flash-sales/:id/tickets/:ticketId
  ...ID_FORMS.flatMap((id): Case[] => [
    [`ticket of sale id ${id}`, 'GET', () => `${MALL}/flash-sales/${id}/tickets/${ticketId}`, { auth: 'user' }, 400, 40001, 'id'],
    [`ticket id ${id}`, 'GET', () => `${MALL}/flash-sales/${saleId}/tickets/${id}`, { auth: 'user' }, 400, 40001, 'ticketId'],
  ]),
  ['ticket without a token', 'GET', () => `${MALL}/flash-sales/${saleId}/tickets/${ticketId}`, { auth: 'none' }, 401, 40101, 'Authorization'],
  ["another user's ticket", 'GET', () => `${MALL}/flash-sales/${saleId}/tickets/${ticketId}`, { auth: 'other' }, 404, 40401, 'ticket'],
  ['a ticket that does not exist', 'GET', () => `${MALL}/flash-sales/${saleId}/tickets/987654321`, { auth: 'user' }, 404, 40401, 'ticket'],
  ['a ticket under another sale', 'GET', () => `${MALL}/flash-sales/${saleId + 1}/tickets/${ticketId}`, { auth: 'user' }, 404, 40401, 'ticket'],

  // POST /admin/flash-sales
  ['sale without a token', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'none', body: sale }, 401, 40101, 'Authorization'],
  ['sale by a shopper', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'user', body: sale }, 403, 40301, 'admin'],
  ['sale without a body', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin' }, 400, 40001, 'body'],
  ...SALE_FIELDS.flatMap(([field, wrongType, tooSmall, tooBig]): Case[] => [
    [`sale without ${field}`, 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: without(field) }, 400, 40001, field],
    [`sale with ${field} of the wrong type`, 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField(field, wrongType) }, 400, 40001, field],
    [`sale with ${field} too small`, 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField(field, tooSmall) }, 400, 40001, field],
    [`sale with ${field} too big`, 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField(field, tooBig) }, 400, 40001, field],
  ]),
  ['sale with 0 buckets', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('buckets', 0) }, 400, 40001, 'buckets'],
  ['sale with 65 buckets', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('buckets', 65) }, 400, 40001, 'buckets'],
  ['sale with an unknown field', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('discount', 10) }, 400, 40001, 'discount'],
  ['sale ending before it starts', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: () => ({ ...sale(), start_at: Date.now() + 60_000, end_at: Date.now() + 30_000 }) }, 400, 40001, 'end_at'],
  ['sale that has already ended', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: () => ({ ...sale(), start_at: Date.now() - 60_000, end_at: Date.now() - 30_000 }) }, 400, 40001, 'end_at'],
  ['sale longer than 30 days', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: () => ({ ...sale(), end_at: Date.now() + 31 * 86_400_000 }) }, 400, 40001, 'end_at'],
  ["sale above the product's price", 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('price_cents', 10_001) }, 400, 40001, 'price_cents'],
  ['sale of more units than the product has', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('stock', 1_000) }, 409, 40902, 'stock'],
  ['sale of a product that does not exist', 'POST', () => `${MALL}/admin/flash-sales`, { auth: 'admin', body: withField('product_id', 987654321) }, 404, 40401, 'product'],
];

describe('flash-sale routes refuse bad input with a 4xx naming the field', () => {
  it.each(cases)('%s: %s', async (name, method, url, o, status, code, mentions) => {
    const token = o.auth === 'none' ? (name.includes('bad token') ? 'x.y.z' : undefined) : tokens[o.auth];
    const res = await call(method, url(), { token, body: o.body?.() });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.message).toContain(mentions);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|SELECT|INSERT|sqlite|mysql|redis/i);
  });
});
