// Bad input for every RPC, table-driven: each is refused with InvalidArgument naming the field,
// before any work is done (the product's stock is unchanged, no order or address is written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { rejectionOf } from '#kit/testing';
import type { Address, FlashOrder, Order } from '#gen/surge/order/v1/order';
import { startMall, type MallFixture } from './testing/fixture.js';

let mall: MallFixture;
let productId: number;
let address: Address;
let order: Order;
const BUYER = 77;

beforeAll(async () => {
  mall = await startMall();
  productId = (await mall.product(100)).id;
  address = await mall.address(BUYER);
  order = await mall.orders.createOrder({ userId: BUYER, addressId: address.id, items: [{ productId, quantity: 1 }], fromCart: false, idempotencyKey: '' });
}, 60_000);
afterAll(() => mall?.close());

const goodAddress = { userId: BUYER, name: 'Han Meimei', phone: '13900139000', province: 'Jiangsu', city: 'Nanjing', district: 'Gulou', detail: '2 Zhongshan Road', isDefault: false };
/** CreateOrder with good fields but these (read when the case runs: the product and address exist by then). */
const create = (fields: () => Record<string, unknown>) => () => mall.orders.createOrder({ userId: BUYER, addressId: address.id, items: [{ productId, quantity: 1 }], fromCart: false, idempotencyKey: '', ...fields() });
const fiftyOne = () => Array.from({ length: 51 }, (_, i) => ({ productId: i + 1, quantity: 1 }));
/** A flash ticket of BUYER's with good fields but these; `at` puts it after good ones (its field is then orders[at]). */
const goodTicket = (i: number): FlashOrder => ({ ticketId: 100 + i, saleId: 1, userId: BUYER, addressId: address.id, productId, name: 'Flash phone', imageUrl: 'https://img.example/p.jpg', priceCents: 799, quantity: 1, reservedAt: 1_700_000_000_000 });
const flash = (fields: Partial<FlashOrder>, at = 0) => () =>
  mall.orders.createFlashOrders({ orders: [...Array.from({ length: at }, (_, i) => goodTicket(i)), { ...goodTicket(at), ...fields }] });

interface Case {
  name: string;
  call: () => Promise<unknown>;
  field: string;
}

const cases: Case[] = [
  { name: 'AddAddress without a user', call: () => mall.orders.addAddress({ ...goodAddress, userId: 0 }), field: 'user_id' },
  { name: 'AddAddress with an empty name', call: () => mall.orders.addAddress({ ...goodAddress, name: '   ' }), field: 'name' },
  { name: 'AddAddress with a 21-character name', call: () => mall.orders.addAddress({ ...goodAddress, name: 'x'.repeat(21) }), field: 'name' },
  { name: 'AddAddress with letters in the phone', call: () => mall.orders.addAddress({ ...goodAddress, phone: '139abc39000' }), field: 'phone' },
  { name: 'AddAddress with a 4-digit phone', call: () => mall.orders.addAddress({ ...goodAddress, phone: '1234' }), field: 'phone' },
  { name: 'AddAddress without a province', call: () => mall.orders.addAddress({ ...goodAddress, province: '' }), field: 'province' },
  { name: 'AddAddress with a city over 20', call: () => mall.orders.addAddress({ ...goodAddress, city: '市'.repeat(21) }), field: 'city' },
  { name: 'AddAddress with a control character in the district', call: () => mall.orders.addAddress({ ...goodAddress, district: 'Gu\u0007lou' }), field: 'district' },
  { name: 'AddAddress with a detail over 100', call: () => mall.orders.addAddress({ ...goodAddress, detail: 'd'.repeat(101) }), field: 'detail' },
  { name: 'AddAddress with a line break in the detail', call: () => mall.orders.addAddress({ ...goodAddress, detail: 'a\nb' }), field: 'detail' },
  { name: 'UpdateAddress without a user', call: () => mall.updateAddress({ userId: 0, id: address.id }), field: 'user_id' },
  { name: 'UpdateAddress without an id', call: () => mall.updateAddress({ userId: BUYER, id: 0 }), field: 'id' },
  { name: 'UpdateAddress with a negative id', call: () => mall.updateAddress({ userId: BUYER, id: -5 }), field: 'id' },
  { name: 'UpdateAddress with an empty name', call: () => mall.updateAddress({ userId: BUYER, id: address.id, name: '' }), field: 'name' },
  { name: 'UpdateAddress with a bad phone', call: () => mall.updateAddress({ userId: BUYER, id: address.id, phone: '+' }), field: 'phone' },
  { name: 'DeleteAddress without a user', call: () => mall.orders.deleteAddress({ userId: 0, id: address.id }), field: 'user_id' },
  { name: 'DeleteAddress without an id', call: () => mall.orders.deleteAddress({ userId: BUYER, id: 0 }), field: 'id' },
  { name: 'ListAddresses without a user', call: () => mall.orders.listAddresses({ userId: 0 }), field: 'user_id' },
  { name: 'CreateOrder without a user', call: create(() => ({ userId: 0 })), field: 'user_id' },
  { name: 'CreateOrder without an address', call: create(() => ({ addressId: 0 })), field: 'address_id' },
  { name: 'CreateOrder without items', call: create(() => ({ items: [] })), field: 'items' },
  { name: 'CreateOrder with 51 items', call: create(() => ({ items: fiftyOne() })), field: 'items' },
  { name: 'CreateOrder naming a product twice', call: create(() => ({ items: [{ productId, quantity: 1 }, { productId, quantity: 2 }] })), field: 'items[1].product_id' },
  { name: 'CreateOrder with product id 0', call: create(() => ({ items: [{ productId: 0, quantity: 1 }] })), field: 'items[0].product_id' },
  { name: 'CreateOrder with quantity 0', call: create(() => ({ items: [{ productId, quantity: 0 }] })), field: 'items[0].quantity' },
  { name: 'CreateOrder with quantity 1000', call: create(() => ({ items: [{ productId, quantity: 1000 }] })), field: 'items[0].quantity' },
  { name: 'CreateOrder with items and from_cart', call: create(() => ({ fromCart: true })), field: 'items' },
  { name: 'CreateOrder with a 65-character key', call: create(() => ({ idempotencyKey: 'k'.repeat(65) })), field: 'idempotency_key' },
  { name: 'CreateOrder with a non-ASCII key', call: create(() => ({ idempotencyKey: 'clé' })), field: 'idempotency_key' },
  { name: 'CreateOrder with a control character in the key', call: create(() => ({ idempotencyKey: 'a\tb' })), field: 'idempotency_key' },
  { name: 'GetOrder without a user', call: () => mall.orders.getOrder({ userId: 0, id: order.id }), field: 'user_id' },
  { name: 'GetOrder without an id', call: () => mall.orders.getOrder({ userId: BUYER, id: 0 }), field: 'id' },
  { name: 'ListOrders without a user', call: () => mall.orders.listOrders({ userId: 0, status: '', cursor: '', limit: 0 }), field: 'user_id' },
  { name: 'ListOrders with an unknown status', call: () => mall.orders.listOrders({ userId: BUYER, status: 'lost', cursor: '', limit: 0 }), field: 'status' },
  { name: 'ListOrders with a made-up cursor', call: () => mall.orders.listOrders({ userId: BUYER, status: '', cursor: 'not-a-cursor', limit: 0 }), field: 'cursor' },
  { name: 'ListOrders with a cursor of another kind', call: () => mall.orders.listOrders({ userId: BUYER, status: '', cursor: Buffer.from('newest.1.2').toString('base64url'), limit: 0 }), field: 'cursor' },
  { name: 'ListOrders with a negative limit', call: () => mall.orders.listOrders({ userId: BUYER, status: '', cursor: '', limit: -1 }), field: 'limit' },
  { name: 'CancelOrder without a user', call: () => mall.orders.cancelOrder({ userId: 0, id: order.id }), field: 'user_id' },
  { name: 'CancelOrder without an id', call: () => mall.orders.cancelOrder({ userId: BUYER, id: 0 }), field: 'id' },
  { name: 'ConfirmReceipt without a user', call: () => mall.orders.confirmReceipt({ userId: 0, id: order.id }), field: 'user_id' },
  { name: 'ConfirmReceipt without an id', call: () => mall.orders.confirmReceipt({ userId: BUYER, id: -1 }), field: 'id' },
  { name: 'ShipOrder without an id', call: () => mall.orders.shipOrder({ id: 0 }), field: 'id' },
  { name: 'MarkPaid without an order', call: () => mall.orders.markPaid({ orderId: 0, paymentId: 'p', amountCents: order.totalCents }), field: 'order_id' },
  { name: 'MarkPaid without a payment id', call: () => mall.orders.markPaid({ orderId: order.id, paymentId: '', amountCents: order.totalCents }), field: 'payment_id' },
  { name: 'MarkPaid with a 65-character payment id', call: () => mall.orders.markPaid({ orderId: order.id, paymentId: 'p'.repeat(65), amountCents: order.totalCents }), field: 'payment_id' },
  { name: 'MarkPaid with a zero amount', call: () => mall.orders.markPaid({ orderId: order.id, paymentId: 'p', amountCents: 0 }), field: 'amount_cents' },
  { name: 'MarkPaid with a negative amount', call: () => mall.orders.markPaid({ orderId: order.id, paymentId: 'p', amountCents: -100 }), field: 'amount_cents' },
  { name: 'MarkRefunded without an order', call: () => mall.orders.markRefunded({ orderId: 0 }), field: 'order_id' },
  { name: 'CreateFlashOrders without tickets', call: () => mall.orders.createFlashOrders({ orders: [] }), field: 'orders' },
  { name: 'CreateFlashOrders with 501 tickets', call: () => mall.orders.createFlashOrders({ orders: Array.from({ length: 501 }, (_, i) => goodTicket(i)) }), field: 'orders' },
  { name: 'CreateFlashOrders with ticket id 0', call: flash({ ticketId: 0 }), field: 'orders[0].ticket_id' },
  { name: 'CreateFlashOrders with a negative ticket id', call: flash({ ticketId: -7 }), field: 'orders[0].ticket_id' },
  { name: 'CreateFlashOrders with a negative sale id', call: flash({ saleId: -1 }), field: 'orders[0].sale_id' },
  { name: 'CreateFlashOrders without a user', call: flash({ userId: 0 }), field: 'orders[0].user_id' },
  { name: 'CreateFlashOrders without an address', call: flash({ addressId: 0 }), field: 'orders[0].address_id' },
  { name: 'CreateFlashOrders without a product', call: flash({ productId: 0 }), field: 'orders[0].product_id' },
  { name: 'CreateFlashOrders with an empty name', call: flash({ name: '  ' }), field: 'orders[0].name' },
  { name: 'CreateFlashOrders with a 101-character name', call: flash({ name: 'n'.repeat(101) }), field: 'orders[0].name' },
  { name: 'CreateFlashOrders with a line break in the name', call: flash({ name: 'a\nb' }), field: 'orders[0].name' },
  { name: 'CreateFlashOrders with a script URL for the image', call: flash({ imageUrl: 'javascript:alert(1)' }), field: 'orders[0].image_url' },
  { name: 'CreateFlashOrders with a protocol-relative image', call: flash({ imageUrl: '//evil.example/x.png' }), field: 'orders[0].image_url' },
  { name: 'CreateFlashOrders with an image URL over 512', call: flash({ imageUrl: `https://img.example/${'x'.repeat(500)}` }), field: 'orders[0].image_url' },
  { name: 'CreateFlashOrders with a price of 0', call: flash({ priceCents: 0 }), field: 'orders[0].price_cents' },
  { name: 'CreateFlashOrders with a negative price', call: flash({ priceCents: -799 }), field: 'orders[0].price_cents' },
  { name: 'CreateFlashOrders with a price over 100,000,000', call: flash({ priceCents: 100_000_001 }), field: 'orders[0].price_cents' },
  { name: 'CreateFlashOrders with quantity 0', call: flash({ quantity: 0 }), field: 'orders[0].quantity' },
  { name: 'CreateFlashOrders with quantity 1000', call: flash({ quantity: 1000 }), field: 'orders[0].quantity' },
  { name: 'CreateFlashOrders reserved at 0', call: flash({ reservedAt: 0 }), field: 'orders[0].reserved_at' },
  { name: 'CreateFlashOrders with a bad third ticket (the good ones before it are not ordered)', call: flash({ quantity: -2 }, 2), field: 'orders[2].quantity' },
];

describe('bad input is refused naming the field, and changes nothing', () => {
  it.each(cases)('$name → $field', async ({ call, field }) => {
    const refusal = await rejectionOf(call(), Code.InvalidArgument);
    expect(refusal.details).toMatchObject({ field });
    expect(refusal.message.startsWith(`${field}:`)).toBe(true);
  });

  it('left every order, address and unit of stock as it was', async () => {
    expect(await mall.stockOf(productId)).toBe(99);
    expect((await mall.orders.listOrders({ userId: BUYER, status: '', cursor: '', limit: 0 })).orders.map((o) => [o.id, o.status])).toEqual([[order.id, 'unpaid']]);
    expect((await mall.orders.listAddresses({ userId: BUYER })).addresses).toEqual([address]);
  });

  it('takes the good values of CreateFlashOrders at their bounds (so each refusal above is the bad value\'s)', async () => {
    const bounds = { name: 'n'.repeat(100), imageUrl: `https://img.example/${'x'.repeat(492)}`, priceCents: 100_000_000, quantity: 999, reservedAt: 1 };
    const batch = Array.from({ length: 500 }, (_, i) => ({ ...goodTicket(i), ...(i === 0 ? bounds : {}), ...(i === 1 ? { imageUrl: '' } : {}) }));
    const { results } = await mall.orders.createFlashOrders({ orders: batch });
    expect(results.filter((r) => r.orderId > 0 && r.refusal === '')).toHaveLength(500);
  });
});
